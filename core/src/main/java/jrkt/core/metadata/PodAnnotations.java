package jrkt.core.metadata;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jrkt.core.JrktException;
import jrkt.core.Quote;
import jrkt.core.image.aci.AcName;

/** The pod's own annotations from {@code --user-annotation NAME=VALUE} (rkt's flag): the pod manifest's, served at /pod/annotations. */
public final class PodAnnotations {
    private PodAnnotations() {}

    /** In the order given; a name must be an AC identifier and given once. */
    public static Map<String, String> parse(String flag, List<String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            String name = eq < 0 ? v : v.substring(0, eq);
            if (eq < 0) throw new JrktException(flag + " " + Quote.arg(v) + ": expected NAME=VALUE");
            if (!AcName.isIdentifier(name))
                throw new JrktException(flag + " " + Quote.arg(v) + ": the name is not an AC identifier (" + AcName.IDENTIFIER_RULE + ")");
            if (out.put(name, v.substring(eq + 1)) != null) throw new JrktException(flag + " " + Quote.arg(name) + ": given twice");
        }
        return out;
    }
}
