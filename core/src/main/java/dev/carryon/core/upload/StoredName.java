package dev.carryon.core.upload;

import dev.carryon.core.download.FileNames;

import java.util.function.Predicate;

/**
 * The name a completed upload gets in the served root: the sanitised {@code filename} from its metadata (else
 * its id), and on a clash {@code name (1).ext}, {@code name (2).ext}... never an existing file's name unless
 * overwriting is allowed.
 */
public final class StoredName {

    private StoredName() {
    }

    /**
     * @param taken whether a name is already used in the target directory
     */
    public static String choose(String suggested, String id, boolean overwrite, Predicate<String> taken) {
        String name = FileNames.safe(suggested).filter(n -> !n.startsWith(".")).orElse(id);
        if (overwrite || !taken.test(name)) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int i = 1; i < 10_000; i++) {
            String candidate = base + " (" + i + ")" + ext;
            if (!taken.test(candidate)) {
                return candidate;
            }
        }
        return id + ext;
    }
}
