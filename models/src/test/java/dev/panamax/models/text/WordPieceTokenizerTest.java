package dev.panamax.models.text;

import dev.panamax.models.MiniLm;
import dev.panamax.models.ModelFormatException;
import dev.panamax.models.bert.EncoderFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The WordPiece tokenizer token for token against Hugging Face's tokenizers library. */
class WordPieceTokenizerTest {
    private static String json;
    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() {
        json = EncoderFiles.open(MiniLm.jar()).tokenizer();
        tokenizer = WordPieceTokenizer.fromJson(json, "all-minilm-l6-v2-tokenizer.json");
    }

    static final List<String> CORPUS = List.of(
            "",
            " ",
            "Hello world",
            "Hello, world!!! What's up???",
            "The quick brown fox jumps over the lazy dog.",
            "Crème brûlée, naïve café, Ångström, Øresund, façade, jalapeño",
            "ÀÉÎÕÜ àéîõü ŁÓDŹ Straße İstanbul ΣΊΣΥΦΟΣ",
            "北京是中国的首都。我爱自然语言处理！",
            "日本語のテキストとカタカナ、ひらがな",
            "한국어 문장도 있습니다",
            "Emoji: 😀🎉👍🏽 ❤️ 🤖 and 🇫🇷",
            "Punctuation runs: ...!!!???---___***(((]]]{{}}<<>>@@##$$%%^^&&",
            "¿Qué? ¡Sí! «quotes» “curly” ‘single’ — en–dash … ellipsis",
            "supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis",
            "a".repeat(99) + " " + "b".repeat(100) + " " + "c".repeat(101),
            "tabs\tand\nnewlines\r\nand\u00a0nbsp\u2003em\u3000ideographic",
            "control\u0000chars\u0001here\u0007\u001b[0m\u200bzero\u200dwidth\ufeffbom\ufffdreplacement",
            "numbers 3.14159 1,000,000 2026-12-06 12:34:56 +33 (0)1 23 45 67 89",
            "URLs https://example.com/path?q=1&r=2#frag and e-mail someone@example.org",
            "Mixed 中文English混合text with números and ÜMLAUTS",
            "[CLS] literal special tokens [SEP] in the [MASK] text [UNK]",
            "Ümlaut-heavy Überprüfung der Größenordnung",
            "Arabic: مرحبا بالعالم — Hebrew: שלום עולם — Hindi: नमस्ते दुनिया — Thai: สวัสดีชาวโลก",
            "Math ∑∫√∞≠≤≥ and arrows →⇒↔ and currency €£¥₹",
            "   leading and trailing spaces   ",
            "private use \ue000\uf8ff and surrogates 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛");

    @Test
    void matchesHuggingFaceOnTheCorpus() {
        try (HuggingFaceTokenizer hf = new HuggingFaceTokenizer(json)) {
            for (String text : CORPUS) {
                int[] expected = hf.encode(text);
                int[] actual = tokenizer.encode(text, Integer.MAX_VALUE);
                assertArrayEquals(expected, actual, () -> "text " + escape(text) + "\n  hf:      "
                        + Arrays.toString(hf.tokens(text)) + "\n  panamax: " + tokenizer.tokens(text));
            }
        }
    }

    @Test
    void matchesHuggingFaceOnRandomText() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        // pieces of the corpus and random code points from the interesting ranges, glued at random
        int[][] ranges = {{0x20, 0x7E}, {0xA0, 0x17F}, {0x300, 0x36F}, {0x370, 0x3FF}, {0x400, 0x4FF},
                {0x2000, 0x206F}, {0x3000, 0x30FF}, {0x4E00, 0x4FFF}, {0xAC00, 0xAD00}, {0xFF00, 0xFFEF},
                {0x1F300, 0x1F64F}, {0x0, 0x1F}};
        try (HuggingFaceTokenizer hf = new HuggingFaceTokenizer(json)) {
            for (int i = 0; i < 2000; i++) {
                StringBuilder sb = new StringBuilder();
                int parts = 1 + r.nextInt(12);
                for (int p = 0; p < parts; p++) {
                    if (r.nextInt(4) == 0) {
                        // a slice of a corpus text, cut between code points (a lone surrogate is not
                        // text, and the JNI boundary would not pass it through unchanged)
                        int[] c = CORPUS.get(r.nextInt(CORPUS.size())).codePoints().toArray();
                        int a = r.nextInt(c.length + 1);
                        sb.append(new String(c, a, Math.min(c.length, a + r.nextInt(20)) - a));
                    } else {
                        int[] range = ranges[r.nextInt(ranges.length)];
                        int cp = range[0] + r.nextInt(range[1] - range[0] + 1);
                        sb.appendCodePoint(cp);
                        if (r.nextBoolean()) {
                            sb.append(' ');
                        }
                    }
                }
                String text = sb.toString();
                assertArrayEquals(hf.encode(text), tokenizer.encode(text, Integer.MAX_VALUE),
                        () -> "seed " + seed + ", text " + escape(text) + "\n  hf:      "
                                + Arrays.toString(hf.tokens(text)) + "\n  panamax: " + tokenizer.tokens(text));
            }
        }
    }

    @Test
    void truncatesToTheLimitWithClsAndSep() {
        String longText = String.join(" ", java.util.Collections.nCopies(400, "tokenization"));
        int[] full = tokenizer.encode(longText, Integer.MAX_VALUE);
        assertTrue(full.length > 512, "the text is long enough: " + full.length);
        for (int limit : new int[] {2, 3, 16, 512}) {
            int[] ids = tokenizer.encode(longText, limit);
            assertEquals(limit, ids.length);
            assertEquals(tokenizer.id("[CLS]"), ids[0]);
            assertEquals(tokenizer.id("[SEP]"), ids[limit - 1]);
            assertArrayEquals(Arrays.copyOfRange(full, 1, limit - 1), Arrays.copyOfRange(ids, 1, limit - 1));
        }
        assertArrayEquals(new int[] {tokenizer.id("[CLS]"), tokenizer.id("[SEP]")}, tokenizer.encode("", 512));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("x", 1));
    }

    @Test
    void refusesOtherTokenizerModels() {
        String bpe = "{\"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": []}}";
        var e = assertThrows(ModelFormatException.class, () -> WordPieceTokenizer.fromJson(bpe, "t.json"));
        assertTrue(e.getMessage().contains("BPE"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> WordPieceTokenizer.fromJson("{\"model\": ", "t.json"));
    }

    private static String escape(String s) {
        List<String> out = new ArrayList<>();
        s.codePoints().forEach(c -> out.add(c >= 0x20 && c < 0x7F ? Character.toString(c) : String.format("\\u%04x", c)));
        return "\"" + String.join("", out) + "\"";
    }
}
