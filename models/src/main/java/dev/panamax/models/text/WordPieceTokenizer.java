package dev.panamax.models.text;

import dev.panamax.models.ModelFormatException;
import dev.panamax.models.hf.Json;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The BERT tokenizer of a Hugging Face {@code tokenizer.json} whose model is WordPiece, as the
 * {@code tokenizers} library runs it for a single sequence:
 * <ol>
 * <li>added tokens that are not normalized ({@code [CLS]}, {@code [SEP]}, ... written in the text)
 *     are cut out of the raw text first and keep their ids;</li>
 * <li>the BertNormalizer: clean text (drop NUL, U+FFFD and characters of categories Cc, Cf,
 *     Co, Cs except tab and newlines; any Unicode white space becomes a space), spaces
 *     around CJK ideographs, accents stripped (NFD, then every Mn mark dropped; by default when
 *     lowercasing), lowercase (the full per-character mapping);</li>
 * <li>the BertPreTokenizer: split on white space (dropped) and around every punctuation
 *     character (ASCII punctuation and Unicode P*), each its own word;</li>
 * <li>WordPiece: greedy longest match from the start of each word, continuation pieces with the
 *     prefix ({@code ##}); a word longer than {@code max_input_chars_per_word} characters, or one
 *     with a part no piece matches, becomes the single unknown token;</li>
 * <li>{@code [CLS]} ids {@code [SEP]}, the ids truncated (at the end) so that the whole fits.</li>
 * </ol>
 * Immutable and safe to share between threads.
 */
public final class WordPieceTokenizer {
    private final Map<String, Integer> vocab;
    private final String unknown;
    private final String prefix;
    private final int maxWordChars;
    private final boolean cleanText;
    private final boolean chineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;
    private final int cls;
    private final int sep;
    /** Added tokens matched in the raw text, longest first. */
    private final List<Map.Entry<String, Integer>> added;

    private WordPieceTokenizer(Map<String, Integer> vocab, String unknown, String prefix, int maxWordChars,
            boolean cleanText, boolean chineseChars, boolean stripAccents, boolean lowercase, int cls, int sep,
            List<Map.Entry<String, Integer>> added) {
        this.vocab = vocab;
        this.unknown = unknown;
        this.prefix = prefix;
        this.maxWordChars = maxWordChars;
        this.cleanText = cleanText;
        this.chineseChars = chineseChars;
        this.stripAccents = stripAccents;
        this.lowercase = lowercase;
        this.cls = cls;
        this.sep = sep;
        this.added = added;
    }

    /**
     * Reads a {@code tokenizer.json}. {@code source} names the file in messages. Its truncation
     * and padding settings are not used: {@link #encode} takes the length limit.
     */
    public static WordPieceTokenizer fromJson(String json, String source) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        Map<String, Object> top = object(root, source, "the top level");
        Map<String, Object> model = object(top.get("model"), source, "\"model\"");
        if (!"WordPiece".equals(model.get("type"))) {
            throw new ModelFormatException(source + ": the tokenizer model is " + model.get("type")
                    + "; only WordPiece (BERT) tokenizers are supported");
        }
        Map<String, Object> vocabJson = object(model.get("vocab"), source, "\"model.vocab\"");
        Map<String, Integer> vocab = new HashMap<>(vocabJson.size() * 2);
        for (Map.Entry<String, Object> e : vocabJson.entrySet()) {
            vocab.put(e.getKey(), integer(e.getValue(), source, "vocab entry " + e.getKey()));
        }
        String unknown = string(model.getOrDefault("unk_token", "[UNK]"), source, "unk_token");
        String prefix = string(model.getOrDefault("continuing_subword_prefix", "##"), source, "continuing_subword_prefix");
        int maxWordChars = integer(model.getOrDefault("max_input_chars_per_word", 100L), source, "max_input_chars_per_word");
        if (!vocab.containsKey(unknown)) {
            throw new ModelFormatException(source + ": the unknown token " + unknown + " is not in the vocabulary");
        }

        boolean cleanText = true;
        boolean chineseChars = true;
        boolean lowercase = true;
        Boolean strip = null;
        Object normalizer = top.get("normalizer");
        if (normalizer != null) {
            Map<String, Object> n = object(normalizer, source, "\"normalizer\"");
            if (!"BertNormalizer".equals(n.get("type"))) {
                throw new ModelFormatException(source + ": the normalizer is " + n.get("type")
                        + "; only BertNormalizer is supported");
            }
            cleanText = bool(n.getOrDefault("clean_text", true), source, "clean_text");
            chineseChars = bool(n.getOrDefault("handle_chinese_chars", true), source, "handle_chinese_chars");
            lowercase = bool(n.getOrDefault("lowercase", true), source, "lowercase");
            Object s = n.get("strip_accents");
            strip = s == null ? null : bool(s, source, "strip_accents");
        } else {
            cleanText = false;
            chineseChars = false;
            lowercase = false;
        }
        boolean stripAccents = strip != null ? strip : lowercase;
        Object pre = top.get("pre_tokenizer");
        if (pre != null && !"BertPreTokenizer".equals(object(pre, source, "\"pre_tokenizer\"").get("type"))) {
            throw new ModelFormatException(source + ": the pre-tokenizer is " + ((Map<?, ?>) pre).get("type")
                    + "; only BertPreTokenizer is supported");
        }

        List<Map.Entry<String, Integer>> added = new ArrayList<>();
        if (top.get("added_tokens") instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> t = object(o, source, "an added token");
                if (Boolean.TRUE.equals(t.get("normalized"))) {
                    continue;  // matched after normalization: these are ordinary vocabulary words here
                }
                added.add(Map.entry(string(t.get("content"), source, "added token content"),
                        integer(t.get("id"), source, "added token id")));
            }
        }
        added.sort((a, b) -> Integer.compare(b.getKey().length(), a.getKey().length()));
        return new WordPieceTokenizer(vocab, unknown, prefix, maxWordChars, cleanText, chineseChars, stripAccents,
                lowercase, special(vocab, top, "[CLS]", source), special(vocab, top, "[SEP]", source), added);
    }

    /** The id of [CLS] or [SEP]: from the post-processor's special tokens, else the vocabulary. */
    private static int special(Map<String, Integer> vocab, Map<String, Object> top, String name, String source) {
        if (top.get("post_processor") instanceof Map<?, ?> post
                && post.get("special_tokens") instanceof Map<?, ?> specials
                && specials.get(name) instanceof Map<?, ?> token
                && token.get("ids") instanceof List<?> ids && ids.size() == 1) {
            return integer(ids.get(0), source, name + " id");
        }
        Integer id = vocab.get(name);
        if (id == null) {
            throw new ModelFormatException(source + ": no " + name + " token in the vocabulary");
        }
        return id;
    }

    /** The id of a vocabulary entry, or -1. */
    public int id(String token) {
        return vocab.getOrDefault(token, -1);
    }

    /** [CLS], the WordPiece ids of the text, [SEP]: at most {@code maxTokens} (>= 2) ids in all. */
    public int[] encode(String text, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("WordPieceTokenizer.encode: maxTokens " + maxTokens + " < 2");
        }
        List<Integer> ids = new ArrayList<>();
        ids.add(cls);
        int room = maxTokens - 1;
        String rest = text;
        while (!rest.isEmpty() && ids.size() < room) {
            int at = rest.length();
            Map.Entry<String, Integer> hit = null;
            for (Map.Entry<String, Integer> t : added) {
                int i = rest.indexOf(t.getKey());
                if (i >= 0 && i < at) {
                    at = i;
                    hit = t;
                }
            }
            wordPieces(rest.substring(0, at), ids, room);
            if (hit == null) {
                break;
            }
            if (ids.size() < room) {
                ids.add(hit.getValue());
            }
            rest = rest.substring(at + hit.getKey().length());
        }
        ids.add(sep);
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The WordPiece tokens (strings) of a text, without [CLS] and [SEP]: for messages and tests. */
    public List<String> tokens(String text) {
        List<Integer> ids = new ArrayList<>();
        wordPieces(text, ids, Integer.MAX_VALUE);
        Map<Integer, String> byId = new HashMap<>();
        vocab.forEach((k, v) -> byId.put(v, k));
        return ids.stream().map(byId::get).toList();
    }

    private void wordPieces(String text, List<Integer> ids, int limit) {
        for (String word : preTokenize(normalize(text))) {
            if (ids.size() >= limit) {
                return;
            }
            piece(word, ids, limit);
        }
    }

    String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (cleanText) {
                if (c == 0 || c == 0xFFFD || isControl(c)) {
                    return;
                }
                if (isWhitespace(c)) {
                    c = ' ';
                }
            }
            if (chineseChars && isChinese(c)) {
                sb.append(' ').appendCodePoint(c).append(' ');
            } else {
                sb.appendCodePoint(c);
            }
        });
        String s = sb.toString();
        if (stripAccents) {
            String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder out = new StringBuilder(nfd.length());
            nfd.codePoints().filter(c -> Character.getType(c) != Character.NON_SPACING_MARK).forEach(out::appendCodePoint);
            s = out.toString();
        }
        if (lowercase) {
            StringBuilder out = new StringBuilder(s.length());
            // per character with the full mapping (U+0130 -> "i\u0307"), as Rust's char::to_lowercase
            s.codePoints().forEach(c -> out.append(Character.toString(c).toLowerCase(Locale.ROOT)));
            s = out.toString();
        }
        return s;
    }

    static List<String> preTokenize(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (isWhitespace(c)) {
                flush(word, words);
            } else if (isPunctuation(c)) {
                flush(word, words);
                words.add(Character.toString(c));
            } else {
                word.appendCodePoint(c);
            }
        });
        flush(word, words);
        return words;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    private void piece(String word, List<Integer> ids, int limit) {
        int chars = word.codePointCount(0, word.length());
        if (chars > maxWordChars) {
            ids.add(vocab.get(unknown));
            return;
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (end > start) {
                String sub = word.substring(start, end);
                Integer id = vocab.get(start > 0 ? prefix + sub : sub);
                if (id != null) {
                    found = id;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                ids.add(vocab.get(unknown));
                return;
            }
            pieces.add(found);
            start = end;
        }
        for (int id : pieces) {
            if (ids.size() >= limit) {
                return;
            }
            ids.add(id);
        }
    }

    /** Unicode White_Space (Rust's char::is_whitespace), tab and newlines included. */
    static boolean isWhitespace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /**
     * Categories Cc, Cf, Co, Cs, except tab and newlines (which are white space). Unassigned code
     * points (Cn) stay, as in Hugging Face's tokenizers: they become [UNK].
     */
    static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int t = Character.getType(c);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE
                || t == Character.SURROGATE;
    }

    static boolean isPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60)
                    || (c >= 0x7B && c <= 0x7E);
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK Unified Ideographs blocks that BERT puts spaces around. */
    static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    private static Map<String, Object> object(Object o, String source, String what) {
        if (o instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) m;
            return map;
        }
        throw new ModelFormatException(source + ": " + what + " is not a JSON object");
    }

    private static String string(Object o, String source, String what) {
        if (o instanceof String s) {
            return s;
        }
        throw new ModelFormatException(source + ": " + what + " is not a string");
    }

    private static int integer(Object o, String source, String what) {
        if (o instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        throw new ModelFormatException(source + ": " + what + " is not an integer: " + o);
    }

    private static boolean bool(Object o, String source, String what) {
        if (o instanceof Boolean b) {
            return b;
        }
        throw new ModelFormatException(source + ": " + what + " is not a boolean: " + o);
    }
}
