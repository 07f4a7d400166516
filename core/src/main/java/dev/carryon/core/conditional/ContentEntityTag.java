package dev.carryon.core.conditional;

import java.util.Base64;

/**
 * The entity tag of bytes whose sha-256 is known: {@code "sha256-BASE64URL"}. It names the content itself, so it
 * is strong at once and the same on every server that holds those bytes.
 */
public final class ContentEntityTag {

    private ContentEntityTag() {
    }

    public static EntityTag of(byte[] sha256) {
        return EntityTag.strong("sha256-" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256));
    }
}
