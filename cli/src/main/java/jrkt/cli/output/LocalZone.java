package jrkt.cli.output;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * The time zone listings print times in: the system's. {@link ZoneId#systemDefault()} loads the
 * JDK's time-zone database the first time, about 15 ms of every status or list; on a host whose
 * zone is UTC, as servers' usually is, the answer is known without it. The JDK (on Linux) takes
 * the zone from TZ, else /etc/timezone, else the link /etc/localtime; only when each of these is
 * absent or names UTC is {@link ZoneOffset#UTC} returned, which prints as the JDK would ("Z").
 * Anything else goes to the JDK.
 */
public final class LocalZone {
    private static final Set<String> UTC_NAMES = Set.of("UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal",
        "Zulu", "Etc/Zulu", "GMT", "Etc/GMT", "GMT0", "Etc/GMT0", "GMT+0", "Etc/GMT+0", "GMT-0", "Etc/GMT-0", "Greenwich",
        "Etc/Greenwich");

    private static ZoneId zone;

    private LocalZone() {}

    public static synchronized ZoneId get() {
        if (zone == null) zone = utcHere() ? ZoneOffset.UTC : ZoneId.systemDefault();
        return zone;
    }

    private static boolean utcHere() {
        String property = System.getProperty("user.timezone");
        if (property != null && !property.isEmpty()) return UTC_NAMES.contains(property);
        String tz = System.getenv("TZ");
        if (tz != null) return UTC_NAMES.contains(tz.startsWith(":") ? tz.substring(1) : tz);
        // java.io rather than Files.readString: the JDK has it running already, while NIO's read
        // path costs a cold JVM 1-2 ms the first time, every list, status and image list
        File timezone = new File("/etc/timezone");
        if (timezone.exists()) { // absent: as the JDK, on to /etc/localtime
            try (FileInputStream in = new FileInputStream(timezone)) {
                if (!UTC_NAMES.contains(new String(in.readNBytes(256), StandardCharsets.UTF_8).strip())) return false;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        Path localtime = Path.of("/etc/localtime");
        if (!Files.isSymbolicLink(localtime)) return !Files.exists(localtime, LinkOption.NOFOLLOW_LINKS); // none: the JDK says GMT
        try {
            String target = Files.readSymbolicLink(localtime).toString();
            int at = target.indexOf("zoneinfo/");
            return at >= 0 && UTC_NAMES.contains(target.substring(at + "zoneinfo/".length()));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
