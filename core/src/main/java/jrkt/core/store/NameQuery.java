package jrkt.core.store;

import java.util.LinkedHashMap;
import java.util.Map;
import jrkt.core.JrktException;

/** What a user types to name an image: "name", "name:version", "name,label=value,...". */
record NameQuery(String name, Map<String, String> labels) {

    static NameQuery parse(String reference) {
        String[] parts = reference.split(",", -1);
        String head = parts[0];
        Map<String, String> labels = new LinkedHashMap<>();
        int colon = head.indexOf(':');
        String name = colon < 0 ? head : head.substring(0, colon);
        if (colon >= 0) labels.put("version", head.substring(colon + 1));
        if (name.isEmpty()) throw new JrktException("image reference \"" + reference + "\" has no name");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new JrktException("image reference \"" + reference + "\": label \"" + parts[i]
                        + "\" is not of the form name=value");
            }
            labels.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return new NameQuery(name, labels);
    }

    /** appc matching: every label asked for is present with the same value. */
    boolean matches(String imageName, Map<String, String> imageLabels) {
        if (!name.equals(imageName)) return false;
        for (Map.Entry<String, String> want : labels.entrySet()) {
            if (!want.getValue().equals(imageLabels.get(want.getKey()))) return false;
        }
        return true;
    }
}
