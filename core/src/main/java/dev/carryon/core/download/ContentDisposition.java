package dev.carryon.core.download;

import dev.carryon.core.path.PercentEncoding;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The file name a server suggests in {@code Content-Disposition} (RFC 6266), preferring {@code filename*}
 * (RFC 8187, any language, UTF-8 or ISO-8859-1) over {@code filename}. The name is a suggestion from the
 * network: {@link FileNames#safe} must make it harmless before it names a file.
 */
public final class ContentDisposition {

    private ContentDisposition() {
    }

    public static Optional<String> filename(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Map<String, String> params = parameters(header);
        String extended = params.get("filename*");
        if (extended != null) {
            Optional<String> decoded = decodeExtended(extended);
            if (decoded.isPresent() && !decoded.get().isBlank()) {
                return decoded;
            }
        }
        String plain = params.get("filename");
        return plain == null || plain.isBlank() ? Optional.empty() : Optional.of(plain);
    }

    /** Parameters after the disposition type, names lower-cased, quoted values unquoted. */
    static Map<String, String> parameters(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = header.indexOf(';');
        while (i >= 0 && i < header.length()) {
            i++;
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = header.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            int v = eq + 1;
            while (v < header.length() && (header.charAt(v) == ' ' || header.charAt(v) == '\t')) {
                v++;
            }
            String value;
            if (v < header.length() && header.charAt(v) == '"') {
                StringBuilder b = new StringBuilder();
                int j = v + 1;
                while (j < header.length() && header.charAt(j) != '"') {
                    char c = header.charAt(j);
                    if (c == '\\' && j + 1 < header.length()) {
                        c = header.charAt(++j);
                    }
                    b.append(c);
                    j++;
                }
                value = b.toString();
                i = header.indexOf(';', j);
            } else {
                int end = header.indexOf(';', v);
                value = header.substring(v, end < 0 ? header.length() : end).strip();
                i = end;
            }
            out.putIfAbsent(name, value);
        }
        return out;
    }

    /** RFC 8187 ext-value: {@code charset'[language]'percent-encoded}. */
    static Optional<String> decodeExtended(String value) {
        int q1 = value.indexOf('\'');
        int q2 = q1 < 0 ? -1 : value.indexOf('\'', q1 + 1);
        if (q2 < 0) {
            return Optional.empty();
        }
        String charsetName = value.substring(0, q1).strip().toUpperCase(Locale.ROOT);
        Charset charset;
        if (charsetName.equals("UTF-8")) {
            charset = StandardCharsets.UTF_8;
        } else if (charsetName.equals("ISO-8859-1")) {
            charset = StandardCharsets.ISO_8859_1;
        } else {
            return Optional.empty();
        }
        Optional<byte[]> bytes = PercentEncoding.decode(value.substring(q2 + 1));
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.get())).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
