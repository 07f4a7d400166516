package dev.carryon.core.field;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Ordered parameters of an item or inner list; a later duplicate key overwrites an earlier one. */
public record Parameters(Map<String, BareItem> values) {

    public static final Parameters EMPTY = new Parameters(Map.of());

    public Parameters {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Optional<BareItem> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }
}
