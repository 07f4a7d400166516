package dev.carryon.server.upload;

import dev.carryon.core.upload.UploadException;

import java.security.SecureRandom;
import java.util.Locale;

/** Upload ids: 128 random bits, as 26 lower-case base32 characters, unguessable and safe in a URL and a name. */
public final class UploadIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private UploadIds() {
    }

    public static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        StringBuilder s = new StringBuilder(26);
        int buffer = 0;
        int bits = 0;
        for (byte x : b) {
            buffer = (buffer << 8) | (x & 0xff);
            bits += 8;
            while (bits >= 5) {
                s.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            s.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return s.toString();
    }

    /** Whether a path segment could be an upload id (before asking the store). */
    public static boolean looksLikeId(String s) {
        if (s.length() != 26) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
                return false;
            }
        }
        return true;
    }

    /** The id named by an upload URL or path, e.g. {@code /uploads/ID} or {@code https://h/uploads/ID}. */
    public static String fromUrl(String url) {
        String u = url.strip();
        int q = u.indexOf('?');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        String id = u.substring(u.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        if (!looksLikeId(id)) {
            throw new UploadException(UploadException.Reason.CONCAT_INVALID, "'" + url
                    + "' is not the URL of an upload here");
        }
        return id;
    }
}
