package dev.carryon.core.field;

import java.util.List;
import java.util.Objects;

/** A member of a list or a dictionary: an item or an inner list, each with parameters. */
public sealed interface Member {

    Parameters parameters();

    record Item(BareItem value, Parameters parameters) implements Member {
        public Item {
            Objects.requireNonNull(value);
            Objects.requireNonNull(parameters);
        }

        public static Item of(BareItem value) {
            return new Item(value, Parameters.EMPTY);
        }
    }

    record InnerList(List<Item> items, Parameters parameters) implements Member {
        public InnerList {
            items = List.copyOf(items);
            Objects.requireNonNull(parameters);
        }
    }
}
