package dev.carryon.core.conditional;

import java.util.ArrayList;
import java.util.List;

/**
 * The value of {@code If-Match} or {@code If-None-Match}: {@code *} or a list of entity tags.
 *
 * <p>Entity tags may contain commas, so the list is scanned tag by tag rather than split. A value that is not
 * of this grammar matches nothing: {@code If-Match} then fails (nothing is changed on a guess) and
 * {@code If-None-Match} passes (the full response is sent, which is always safe for GET).
 */
public record EntityTagList(boolean any, List<EntityTag> tags) {

    private static final EntityTagList NOTHING = new EntityTagList(false, List.of());

    public EntityTagList {
        tags = List.copyOf(tags);
    }

    public static EntityTagList parse(String value) {
        String v = value.strip();
        if (v.equals("*")) {
            return new EntityTagList(true, List.of());
        }
        List<EntityTag> tags = new ArrayList<>();
        int pos = 0;
        int n = v.length();
        while (pos < n) {
            char c = v.charAt(pos);
            if (c == ',' || c == ' ' || c == '\t') {
                pos++;
                continue;
            }
            boolean weak = false;
            if (v.startsWith("W/", pos)) {
                weak = true;
                pos += 2;
            }
            if (pos >= n || v.charAt(pos) != '"') {
                return NOTHING;
            }
            int close = pos + 1;
            while (close < n && v.charAt(close) != '"') {
                if (!EntityTag.isEtagc(v.charAt(close))) {
                    return NOTHING;
                }
                close++;
            }
            if (close >= n) {
                return NOTHING;
            }
            tags.add(new EntityTag(v.substring(pos + 1, close), weak));
            pos = close + 1;
            // After a tag only whitespace and then a comma (or the end) may follow.
            while (pos < n && (v.charAt(pos) == ' ' || v.charAt(pos) == '\t')) {
                pos++;
            }
            if (pos < n && v.charAt(pos) != ',') {
                return NOTHING;
            }
        }
        return new EntityTagList(false, tags);
    }

    /** If-Match: {@code *} or any listed tag equal by strong comparison. */
    public boolean matchesStrongly(EntityTag current) {
        if (any) {
            return true;
        }
        if (current == null) {
            return false;
        }
        for (EntityTag t : tags) {
            if (t.strongMatch(current)) {
                return true;
            }
        }
        return false;
    }

    /** If-None-Match: {@code *} or any listed tag equal by weak comparison. */
    public boolean matchesWeakly(EntityTag current) {
        if (any) {
            return true;
        }
        if (current == null) {
            return false;
        }
        for (EntityTag t : tags) {
            if (t.weakMatch(current)) {
                return true;
            }
        }
        return false;
    }
}
