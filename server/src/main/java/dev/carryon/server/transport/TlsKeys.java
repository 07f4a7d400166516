package dev.carryon.server.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a key that the TLS context cannot read from one it can, before it tries: the context reads unencrypted
 * PKCS#8 only, and says of anything else no more than "invalid key". openssl writes PKCS#1 ({@code BEGIN RSA
 * PRIVATE KEY}) and SEC1 ({@code BEGIN EC PRIVATE KEY}) keys by default, and encrypted keys when asked, so the
 * answer to each is the exact command that converts it.
 */
public final class TlsKeys {

    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");

    private TlsKeys() {
    }

    /** Passes an unencrypted PKCS#8 PEM key; throws with what to do for any other. */
    public static void checkKey(Path key) throws IOException {
        String text;
        try {
            text = Files.readString(key, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IOException("the TLS key " + key + " does not exist", e);
        }
        Matcher m = BEGIN.matcher(text);
        String label = null;
        while (m.find()) {
            if (m.group(1).endsWith("PRIVATE KEY")) {
                label = m.group(1);
                break;
            }
        }
        String quoted = shellQuoted(key.toString());
        String converted = shellQuoted(key + ".pk8");
        if (label == null) {
            throw new IOException("the TLS key " + key + " holds no PEM private key (no -----BEGIN ... PRIVATE KEY-----"
                    + " line); pass the key, not the certificate, as --tls-key");
        }
        switch (label) {
            case "PRIVATE KEY" -> {
                return;
            }
            case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY" -> {
                boolean encrypted = text.contains("Proc-Type: 4,ENCRYPTED");
                throw new IOException("the TLS key " + key + " is in the " + (label.startsWith("EC") ? "SEC1" : "PKCS#1")
                        + " form (" + label + (encrypted ? ", encrypted" : "") + "); carryon reads PKCS#8. Convert it"
                        + " with: openssl pkcs8 -topk8 -nocrypt -in " + quoted + " -out " + converted
                        + (encrypted ? " (it asks for the passphrase)" : "") + " and then pass --tls-key " + converted);
            }
            case "ENCRYPTED PRIVATE KEY" -> throw new IOException("the TLS key " + key + " is encrypted; carryon"
                    + " reads unencrypted keys (keep them safe with file permissions). Decrypt it with: openssl pkcs8"
                    + " -in " + quoted + " -out " + converted + " (it asks for the passphrase) and then chmod 600 "
                    + converted + " and pass --tls-key " + converted);
            default -> throw new IOException("the TLS key " + key + " is a " + label + ", which carryon cannot read;"
                    + " convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + quoted + " -out " + converted
                    + " and then pass --tls-key " + converted);
        }
    }

    static String shellQuoted(String s) {
        return s.matches("[A-Za-z0-9/._+=:@-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
