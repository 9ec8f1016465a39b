package jrkt.cli.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jrkt.cli.BaseCommand;
import jrkt.cli.args.CliModel;
import jrkt.cli.args.OptionModel;
import jrkt.core.JrktException;
import jrkt.core.Phases;
import jrkt.core.isolation.IsolationRequest;
import jrkt.core.isolation.IsolationStatus;
import jrkt.core.isolation.IsolatorFlags;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.PodRemover;
import jrkt.core.pod.Pods;
import jrkt.core.pod.prepare.AppSpec;
import jrkt.core.pod.prepare.DnsConfig;
import jrkt.core.pod.prepare.Environment;
import jrkt.core.pod.prepare.HostsEntries;
import jrkt.core.pod.prepare.NetMode;
import jrkt.core.pod.prepare.PodPreparer;
import jrkt.core.pod.prepare.PrepareRequest;
import jrkt.core.pod.prepare.VolumeSpec;
import jrkt.core.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code run} and {@code prepare} share: the pod flags (before the first image, as in
 * rkt), the apps with their own flags, and the preparation itself. The command line must be
 * parsed with stopAtPositional, so that everything from the first image on reaches
 * {@link AppArgs} untouched.
 */
abstract class PreparingCommand extends BaseCommand {
    static final String APPS_LABEL = "IMAGE [APP-FLAGS] [-- ARGS... ---] [IMAGE ...]";

    @Parameters(arity = "1..*", paramLabel = APPS_LABEL, hideParamSyntax = true,
            description = "the pod's apps: each image (full ID, ID prefix or name[:version]) with its app flags after it;"
                + " '--' starts the app's arguments, which replace the image's, and '---' ends them")
    List<String> appArgs = new ArrayList<>();

    // Only for help and to catch an app flag given before any image; the real values are parsed per app.
    @ArgGroup(exclusive = false, validate = false, heading = "%nApp flags (each follows its IMAGE):%n")
    AppFlags appFlagsBeforeImage;

    @Option(names = "--volume", paramLabel = "NAME,kind=host|empty,...",
            description = "a pod volume: NAME,kind=host,source=PATH[,readOnly=true][,recursive=false] or NAME,kind=empty[,readOnly=true][,mode=0755][,uid=N][,gid=N] (repeatable)")
    List<String> volumes = new ArrayList<>();

    @Option(names = "--net", paramLabel = "none|host", converter = NetConverter.class,
            description = "the pod's network: none (only lo, in its own namespace) or host (default: none; once"
                + " container networking lands the default becomes 'default')")
    NetMode net;

    @Option(names = "--hostname", paramLabel = "NAME", description = "the pod's host name (default: jrkt-<uuid>)")
    String hostname;

    @Option(names = "--dns", split = ",", paramLabel = "IP|host|none",
            description = "name servers for the apps' /etc/resolv.conf; 'host' copies the host's file, 'none' keeps the image's (repeatable)")
    List<String> dns = new ArrayList<>();

    @Option(names = "--dns-search", split = ",", paramLabel = "DOMAIN", description = "resolv.conf search domains (repeatable)")
    List<String> dnsSearch = new ArrayList<>();

    @Option(names = "--dns-opt", split = ",", paramLabel = "OPTION", description = "resolv.conf options (repeatable)")
    List<String> dnsOpt = new ArrayList<>();

    @Option(names = "--dns-domain", paramLabel = "DOMAIN", description = "resolv.conf domain")
    String dnsDomain;

    @Option(names = "--hosts-entry", paramLabel = "IP=HOSTNAME|host",
            description = "an /etc/hosts line for every app; 'host' copies the host's file (repeatable)")
    List<String> hostsEntries = new ArrayList<>();

    @Option(names = "--set-env", paramLabel = "NAME=VALUE", description = "an environment variable of every app (repeatable)")
    List<String> setEnv = new ArrayList<>();

    @Option(names = "--set-env-file", paramLabel = "FILE", description = "environment variables of every app, NAME=VALUE a line (repeatable)")
    List<Path> setEnvFiles = new ArrayList<>();

    @Option(names = "--inherit-env", description = "the apps start with jrkt's environment")
    boolean inheritEnv;

    @Option(names = "--no-overlay", description = "copy each app's image instead of an overlay mount")
    boolean noOverlay;

    @Option(names = "--uuid-file-save", paramLabel = "FILE", description = "write the pod's UUID to FILE")
    Path uuidFileSave;

    @Option(names = "--stage1-path", paramLabel = "FILE", description = "the stage1 image: this ACI file (imported into the store)")
    Path stage1Path;

    @Option(names = "--stage1-name", paramLabel = "NAME[:VERSION]", description = "the stage1 image: this image in the store")
    String stage1Name;

    @Mixin ResourceFlags podResources;

    @Option(names = "--cgroup-parent", paramLabel = "PATH",
            description = "put the pod's cgroups below PATH, relative to the root of every cgroup hierarchy (default: jrkt)")
    String cgroupParent;

    @Option(names = "--stage1-hash", paramLabel = "ID", description = "the stage1 image: the store image with this ID (or prefix);"
            + " without any --stage1-* flag, the stage1 built with jrkt (stage1/target/stage1-default.aci)")
    String stage1Hash;

    /** --interactive: the one app gets this terminal; run and prepare declare the flag. */
    abstract boolean interactive();

    /** Parses everything, prepares the pod and returns its UUID; on a failure nothing is left. */
    String preparePod() throws IOException {
        PrepareRequest parsed = request(null);
        if (uuidFileSave != null) checkWritableParent(uuidFileSave);
        Phases.mark("request");
        Store store = store();
        String stage1 = Stage1Image.select(store, stage1Path, stage1Name, stage1Hash);
        Phases.mark("stage1-image");
        PrepareRequest request = withStage1(parsed, stage1);
        PodDirs dirs = new PodDirs(jrkt().dataDir());
        String uuid = new PodPreparer(store, dirs).prepare(request);
        Phases.mark("prepare");
        // appc: an executor makes known which isolators it did not apply
        for (String line : IsolationStatus.read(dirs.pod(PodDirs.PREPARED, uuid)).notApplied()) warn("warning: not applied: " + line);
        if (uuidFileSave != null) {
            try {
                Pods.saveUuidFile(uuidFileSave, uuid);
            } catch (JrktException e) {
                // the pod nobody can name is of no use: take it back
                try {
                    new PodRemover(dirs, jrkt().debug()).remove(new Pods(dirs).resolve(uuid));
                } catch (JrktException removing) {
                    e.addSuppressed(removing);
                }
                throw e;
            }
        }
        return uuid;
    }

    /** The request from the flags; every flag is checked here, before anything is imported or written. */
    PrepareRequest request(String stage1Id) {
        if (appFlagsBeforeImage != null && appFlagsBeforeImage.any()) {
            throw new JrktException("app flags (--exec, --name, --user, ...) follow their image; none may come before the first image");
        }
        List<AppSpec> apps = AppArgs.parse(appArgs, podFlagNames());
        List<VolumeSpec> parsedVolumes = new ArrayList<>();
        for (String v : volumes) parsedVolumes.add(VolumeSpec.parse(v));
        NetMode netMode = net == null ? NetMode.NONE : net;
        DnsConfig dnsConfig = DnsConfig.fromFlags(dns, dnsSearch, dnsOpt, dnsDomain, netMode);
        List<String> hosts = new ArrayList<>();
        for (String h : hostsEntries) hosts.add(HostsEntries.parse(h));
        Map<String, String> fromFiles = new LinkedHashMap<>();
        for (Path f : setEnvFiles) fromFiles.putAll(Environment.readEnvFile(f));
        Map<String, String> set = Environment.parseAssignments("--set-env", setEnv);
        Map<String, String> inherited = inheritEnv ? new LinkedHashMap<>(jrkt.core.HostEnvironment.get()) : Map.of();
        String tty = interactive() ? terminal() : null;
        return new PrepareRequest(apps, parsedVolumes, hostname, netMode, dnsConfig, hosts, inherited, fromFiles, set,
            stage1Id, noOverlay, interactive(), tty, Map.of(), isolation());
    }

    /** The pod's limits, --cgroup-parent and the run-time --insecure-options. */
    private IsolationRequest isolation() {
        Set<String> insecure = jrkt().insecureOptions();
        return new IsolationRequest(IsolatorFlags.resources(podResources.values()), cgroupParent,
            insecure.contains("capabilities"), insecure.contains("paths"), insecure.contains("seccomp"));
    }

    private static PrepareRequest withStage1(PrepareRequest r, String stage1) {
        return new PrepareRequest(r.apps(), r.volumes(), r.hostname(), r.net(), r.dns(), r.hostsEntries(), r.inheritedEnv(),
            r.envFromFiles(), r.setEnv(), stage1, r.noOverlay(), r.interactive(), r.consoleTty(), r.annotations(), r.isolation());
    }

    /** This command's flag names, global ones included, without the app flags (which its help group also declares). */
    private Set<String> podFlagNames() {
        Set<String> names = new HashSet<>();
        if (spec != null) {
            for (OptionSpec o : spec.options()) names.addAll(List.of(o.names()));
        } else {
            for (OptionModel o : commandModel().options) names.addAll(List.of(o.names));
            for (OptionModel o : CliModel.get().root().options) if (o.inherited) names.addAll(List.of(o.names));
        }
        names.removeAll(AppArgs.appFlagNames());
        return names;
    }

    private static void checkWritableParent(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new JrktException("--uuid-file-save " + file + ": directory " + parent + " does not exist");
        }
    }

    /** The terminal on stdin, to become the app's /dev/console; null when stdin is not a terminal. */
    static String terminal() {
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/0"));
            String t = target.toString();
            return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty") || t.equals("/dev/console") ? t : null;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    static final class NetConverter implements CommandLine.ITypeConverter<NetMode> {
        @Override public NetMode convert(String value) {
            return switch (value) {
                case "none" -> NetMode.NONE;
                case "host" -> NetMode.HOST;
                case "default" -> throw new CommandLine.TypeConversionException(
                    "--net=default: container networking is not there yet; use none or host");
                default -> throw new CommandLine.TypeConversionException("--net=" + value + ": expected none or host");
            };
        }
    }
}
