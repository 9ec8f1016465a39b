package jrkt.core.isolation;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host's block devices as "MAJOR:MINOR", for the per-device throttles of blkio and io.max:
 * appc's block isolators apply to every device, and the kernel throttles whole disks
 * ({@code /sys/block}), not partitions.
 */
final class BlockDevices {
    private BlockDevices() {}

    static List<String> present() {
        List<String> devices = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/sys/block"))) {
            for (Path d : ds) {
                String dev = Cgroups.readOrEmpty(d.resolve("dev")).trim();
                if (dev.matches("[0-9]+:[0-9]+")) devices.add(dev);
            }
        } catch (IOException e) {
            return devices; // no sysfs: nothing to throttle
        }
        devices.sort(null);
        return devices;
    }
}
