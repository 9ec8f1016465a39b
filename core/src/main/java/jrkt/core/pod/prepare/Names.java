package jrkt.core.pod.prepare;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jrkt.core.JrktException;
import jrkt.core.image.aci.AcName;

/** App names: AC Names derived from image names, unique within a pod. */
public final class Names {
    private Names() {}

    /** The app name an image gives by default: its name's last path component, made an AC Name. */
    public static String fromImageName(String imageName) {
        // ASCII only (jrkt.core.Ascii): toLowerCase() would follow the host's locale
        String last = jrkt.core.Ascii.lower(imageName.substring(imageName.lastIndexOf('/') + 1));
        StringBuilder out = new StringBuilder();
        for (char c : last.toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (ok) out.append(c);
            else if (out.length() > 0 && out.charAt(out.length() - 1) != '-') out.append('-');
        }
        while (out.length() > 0 && out.charAt(out.length() - 1) == '-') out.setLength(out.length() - 1);
        return out.length() == 0 ? "app" : out.toString();
    }

    /**
     * Names every app: {@code explicit[i]} (from --name; null when absent) wins, else the
     * image-derived name, suffixed -1, -2... when already taken. Explicit names must be AC Names
     * and unique.
     */
    public static List<String> assign(List<String> imageNames, List<String> explicit) {
        Set<String> taken = new HashSet<>();
        for (String e : explicit) {
            if (e == null) continue;
            if (!AcName.isName(e)) throw new JrktException("--name " + e + ": not an AC Name (lowercase a-z, 0-9 and -)");
            if (!taken.add(e)) throw new JrktException("--name " + e + ": two apps have this name");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < imageNames.size(); i++) {
            String e = explicit.get(i);
            if (e != null) { out.add(e); continue; }
            String base = fromImageName(imageNames.get(i)), name = base;
            for (int n = 1; !taken.add(name); n++) name = base + "-" + n;
            out.add(name);
        }
        return out;
    }
}
