package jrkt.core.metadata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import jrkt.core.JrktException;
import jrkt.core.fs.NewFiles;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.Stage1Entrypoints;
import jrkt.core.pod.prepare.PlanWriter;
import jrkt.core.pod.prepare.PreparedApp;

/**
 * A pod's appc metadata service, as {@code prepare} decides it (docs/metadata.md). The pod's own
 * stage1 serves it inside the pod's network namespace at {@value #ADDRESS}:{@value #PORT}, an
 * address only the pod can reach, so a connection names the pod it comes from. With the host's
 * network (or a stage1 that does not serve one) no connection can prove that, and the pod has
 * none: {@code --mds-register} then fails the prepare in one line, and without it the pod runs
 * without and {@code status} says why.
 *
 * <p>The pod directory holds {@value #RESOURCES} (what the service answers) or {@value #DISABLED}
 * (why it has none); stage1 writes {@value #STATUS} when it ran. The pod's key is in
 * {@link PodKeys}.
 */
public final class PodMetadata {
    public static final String ADDRESS = "169.254.169.255";
    public static final int PORT = 18112;
    // Files of the pod directory itself, not of a metadata/ of their own: a directory is one inode
    // more for every start to make. Pods an earlier jrkt prepared have metadata/resources (their
    // plan names it) and metadata/disabled (OLD_DISABLED).
    public static final String RESOURCES = "metadata-resources";
    public static final String DISABLED = "metadata-disabled";
    static final String OLD_DISABLED = "metadata/disabled";
    /** stage1's status file: the service's URL, or "unavailable: WHY". */
    public static final String STATUS = "metadata-service";
    /** A stage1 image serves the service (the plan's {@code metadata} line) when it has this annotation "true". */
    public static final String STAGE1_ANNOTATION = Stage1Entrypoints.PREFIX + "metadata-service";

    static final String HOST_NETWORK = "the pod shares the host's network (--net=host), where no connection can show which pod it"
        + " comes from; use --net=none or a network of the pod's own";

    private final MetadataMode mode;
    private final Path keys;

    private PodMetadata(MetadataMode mode, Path keys) {
        this.mode = mode;
        this.keys = keys;
    }

    /** Refuses, before anything is built, a pod that asks for the service and cannot have it. */
    public static void check(MetadataMode mode, boolean hostNetwork) {
        if (mode == MetadataMode.REQUIRED && hostNetwork) throw new JrktException("--mds-register: " + HOST_NETWORK);
    }

    /**
     * Writes the pod's metadata files and makes its key; returns what the plan says of the
     * service, or null when the pod has none (the reason is then in {@value #DISABLED}).
     * podManifest: the bytes of the pod manifest written, which the service answers with (handed
     * over, not read back). stage1 is the stage1 image's manifest, whose annotation says whether
     * it serves the service.
     */
    public static PodMetadata prepare(PodDirs dirs, Path pod, byte[] podManifest, String uuid, ImageManifest stage1, MetadataMode mode, boolean hostNetwork,
                                      Map<String, String> podAnnotations, List<PreparedApp> apps, List<ImageManifest> manifests,
                                      Function<String, byte[]> manifestBytes) throws IOException {
        return served(pod, stage1, mode, hostNetwork) ? write(dirs, pod, podManifest, uuid, mode, podAnnotations, apps, manifests, manifestBytes) : null;
    }

    /**
     * The first half of {@link #prepare}: whether the pod gets the service. When it does not,
     * {@value #DISABLED} says why; when mode requires it and the pod cannot have it, throws.
     */
    public static boolean served(Path pod, ImageManifest stage1, MetadataMode mode, boolean hostNetwork) throws IOException {
        check(mode, hostNetwork);
        if (mode == MetadataMode.OFF) {
            NewFiles.write(pod.resolve(DISABLED), "disabled (--mds-register=false)");
            return false;
        }
        String whyNot = hostNetwork ? HOST_NETWORK
            : !"true".equals(stage1.annotations().get(STAGE1_ANNOTATION)) ? "stage1 " + stage1.name() + " does not serve one (its manifest has no annotation "
                + STAGE1_ANNOTATION + " \"true\")"
            : null;
        if (whyNot != null) {
            if (mode == MetadataMode.REQUIRED) throw new JrktException("--mds-register: " + whyNot);
            NewFiles.write(pod.resolve(DISABLED), "unavailable: " + whyNot);
            return false;
        }
        return true;
    }

    /** The second half of {@link #prepare}, for a pod {@link #served} gives the service: its resources and the pod's key. */
    public static PodMetadata write(PodDirs dirs, Path pod, byte[] podManifest, String uuid, MetadataMode mode,
                                    Map<String, String> podAnnotations, List<PreparedApp> apps, List<ImageManifest> manifests,
                                    Function<String, byte[]> manifestBytes) throws IOException {
        List<MetadataResources.App> served = new ArrayList<>();
        for (int i = 0; i < apps.size(); i++) {
            PreparedApp a = apps.get(i);
            served.add(new MetadataResources.App(a.name(), a.imageId(), manifestBytes.apply(a.imageId()),
                MetadataResources.merge(manifests.get(i).annotations(), Map.of())));
        }
        MetadataResources.build(uuid, podManifest, podAnnotations, served)
            .writeTo(pod.resolve(RESOURCES));
        PodKeys.create(dirs, uuid);
        return new PodMetadata(mode, PodKeys.dir(dirs));
    }

    /**
     * The plan's pod line: {@code metadata MODE ADDRESS PORT RESOURCES KEYS}. AUTO is "optional":
     * a service stage1 cannot start leaves the pod running without it.
     */
    public void planLine(PlanWriter plan) {
        plan.line("metadata", mode == MetadataMode.REQUIRED ? "required" : "optional", ADDRESS, Integer.toString(PORT), RESOURCES,
            keys.toAbsolutePath().toString());
    }

    /**
     * What {@code status} says of the pod's service: its URL once stage1 serves it,
     * "unavailable: WHY" or "disabled (...)", or null for a pod that has one and has not run.
     */
    public static String status(Path pod) {
        String line = firstLine(pod.resolve(STATUS));
        if (line == null) line = firstLine(pod.resolve(DISABLED));
        return line != null ? line : firstLine(pod.resolve(OLD_DISABLED));
    }

    /** Through the C gate, as the pod's status files (jrkt.core.pod.Pod): no exception for an absent file. */
    private static String firstLine(Path file) {
        try {
            byte[] bytes = jrkt.sys.Linux.get().readSmall(file.toString(), 4096);
            if (bytes == null) return null;
            String s = new String(bytes, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            return (nl < 0 ? s : s.substring(0, nl)).strip();
        } catch (jrkt.sys.SysException e) {
            return null;
        }
    }
}
