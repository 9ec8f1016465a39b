package jrkt.core.pod.prepare;

import jrkt.core.JrktException;
import jrkt.core.image.aci.AcName;

/**
 * A pod volume ({@code --volume}): a host directory bind-mounted into apps, or an empty
 * directory the pod owns. mode/uid/gid apply to empty volumes only.
 */
public record VolumeSpec(String name, Kind kind, String source, boolean readOnly, boolean recursive,
                         int mode, int uid, int gid) {

    public enum Kind { HOST, EMPTY;
        public String json() { return jrkt.core.Ascii.lower(name()); }
    }

    public static final int DEFAULT_MODE = 0755;

    /** An empty volume with the defaults, for an image mount point no volume satisfies. */
    public static VolumeSpec emptyDefault(String name) {
        return new VolumeSpec(name, Kind.EMPTY, null, false, true, DEFAULT_MODE, 0, 0);
    }

    /**
     * Parses {@code NAME,kind=host,source=/p[,readOnly=true][,recursive=false]} or
     * {@code NAME,kind=empty[,readOnly=..][,mode=0755][,uid=N][,gid=N]}.
     */
    public static VolumeSpec parse(String value) {
        String[] parts = value.split(",", -1);
        String name = parts[0];
        if (!AcName.isName(name)) throw bad(value, "volume name \"" + name + "\" is not an AC Name (lowercase a-z, 0-9 and -)");
        Kind kind = null;
        String source = null;
        Boolean readOnly = null, recursive = null;
        Integer mode = null, uid = null, gid = null;
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            int eq = part.indexOf('=');
            if (eq <= 0) throw bad(value, "\"" + part + "\" is not key=value");
            String key = part.substring(0, eq), v = part.substring(eq + 1);
            switch (key) {
                case "kind" -> kind = switch (v) {
                    case "host" -> Kind.HOST;
                    case "empty" -> Kind.EMPTY;
                    default -> throw bad(value, "unknown kind \"" + v + "\" (host or empty)");
                };
                case "source" -> source = v;
                case "readOnly" -> readOnly = bool(value, key, v);
                case "recursive" -> recursive = bool(value, key, v);
                case "mode" -> mode = octal(value, v);
                case "uid" -> uid = id(value, key, v);
                case "gid" -> gid = id(value, key, v);
                default -> throw bad(value, "unknown key \"" + key + "\"");
            }
        }
        if (kind == null) throw bad(value, "kind= is missing (host or empty)");
        if (kind == Kind.HOST) {
            if (source == null || source.isEmpty()) throw bad(value, "kind=host needs source=/absolute/path");
            if (!source.startsWith("/")) throw bad(value, "source \"" + source + "\" is not an absolute path");
            if (mode != null || uid != null || gid != null) throw bad(value, "mode, uid and gid apply to kind=empty only");
        } else if (source != null) {
            throw bad(value, "source= applies to kind=host only");
        }
        return new VolumeSpec(name, kind, source, readOnly != null && readOnly, recursive == null || recursive,
            mode == null ? DEFAULT_MODE : mode, uid == null ? 0 : uid, gid == null ? 0 : gid);
    }

    private static boolean bool(String value, String key, String v) {
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(value, key + "=\"" + v + "\" is not true or false");
        };
    }

    private static int octal(String value, String v) {
        if (!v.matches("[0-7]{1,4}")) throw bad(value, "mode=\"" + v + "\" is not an octal mode like 0755");
        return Integer.parseInt(v, 8);
    }

    private static int id(String value, String key, String v) {
        if (!v.matches("[0-9]{1,10}")) throw bad(value, key + "=\"" + v + "\" is not a number");
        long n = Long.parseLong(v);
        if (n > 0xfffffffeL) throw bad(value, key + "=\"" + v + "\" is out of range");
        return (int) n;
    }

    private static JrktException bad(String value, String why) {
        return new JrktException("--volume " + value + ": " + why);
    }
}
