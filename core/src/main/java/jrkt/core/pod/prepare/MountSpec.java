package jrkt.core.pod.prepare;

import jrkt.core.JrktException;
import jrkt.core.image.aci.AcName;

/** {@code --mount volume=NAME,target=/path}: a pod volume mounted into one app at target. */
public record MountSpec(String volume, String target) {

    public static MountSpec parse(String value) {
        String volume = null, target = null;
        for (String part : value.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw bad(value, "\"" + part + "\" is not key=value");
            String key = part.substring(0, eq), v = part.substring(eq + 1);
            switch (key) {
                case "volume" -> volume = v;
                case "target" -> target = v;
                default -> throw bad(value, "unknown key \"" + key + "\" (volume, target)");
            }
        }
        if (volume == null || volume.isEmpty()) throw bad(value, "volume= is missing");
        if (!AcName.isName(volume)) throw bad(value, "volume name \"" + volume + "\" is not an AC Name");
        if (target == null || target.isEmpty()) throw bad(value, "target= is missing");
        if (!target.startsWith("/")) throw bad(value, "target \"" + target + "\" is not an absolute path");
        return new MountSpec(volume, target);
    }

    private static JrktException bad(String value, String why) {
        return new JrktException("--mount " + value + ": " + why);
    }
}
