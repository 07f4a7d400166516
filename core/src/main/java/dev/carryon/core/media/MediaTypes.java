package dev.carryon.core.media;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Content-Type by file name extension, from the table in {@code mime.types} beside this class (the format of
 * nginx's and Apache's files: a type, then its extensions). Unknown extensions are
 * {@code application/octet-stream}, which browsers download rather than render.
 */
public final class MediaTypes {

    public static final String DEFAULT = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = load();

    private MediaTypes() {
    }

    public static String forFileName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return DEFAULT;
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }

    private static Map<String, String> load() {
        Map<String, String> map = new HashMap<>();
        try (InputStream in = MediaTypes.class.getResourceAsStream("mime.types")) {
            if (in == null) {
                throw new IllegalStateException("mime.types is missing from the class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] words = line.split("\\s+");
                // A type may carry parameters ("text/html; charset=utf-8"): words up to the last ';' belong to it.
                String type = words[0];
                int i = 1;
                while (type.endsWith(";") && i < words.length) {
                    type = type + " " + words[i++];
                }
                for (; i < words.length; i++) {
                    map.put(words[i].toLowerCase(Locale.ROOT), type);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(map);
    }
}
