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
import jrkt.cli.VersionInfo;
import jrkt.cli.args.CliModel;
import jrkt.cli.args.OptionModel;
import jrkt.core.JrktException;
import jrkt.core.Phases;
import jrkt.core.isolation.EarlyCgroups;
import jrkt.core.isolation.IsolationRequest;
import jrkt.core.isolation.IsolatorFlags;
import jrkt.core.metadata.MetadataMode;
import jrkt.core.metadata.PodAnnotations;
import jrkt.core.net.EarlyNetworks;
import jrkt.core.net.NetworkConfigs;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.PodRemover;
import jrkt.core.pod.Pods;
import jrkt.core.pod.prepare.AppSpec;
import jrkt.core.pod.prepare.DnsConfig;
import jrkt.core.pod.prepare.Environment;
import jrkt.core.pod.prepare.HostsEntries;
import jrkt.core.pod.prepare.NetMode;
import jrkt.core.pod.prepare.PodPreparer;
import jrkt.core.pod.prepare.PrepareAhead;
import jrkt.core.pod.prepare.PrepareRequest;
import jrkt.core.pod.prepare.VolumeSpec;
import jrkt.core.pod.stage1.Stage1Images;
import jrkt.core.pod.userns.IdPool;
import jrkt.core.pod.userns.PrivateUsers;
import jrkt.core.store.Lease;
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

    @Option(names = "--net", paramLabel = "NAME[:ARGS],...",
            description = "the pod's networks: default (the default), default-restricted, CNI networks of net.d by name"
                + " (NAME:K=V;K2=V2 gives CNI_ARGS), all, host, or none (only lo) (repeatable)")
    List<String> net = new ArrayList<>();

    @Option(names = "--port", paramLabel = "NAME:[HOSTIP:]HOSTPORT",
            description = "forward HOSTPORT (on HOSTIP only, if given) to the app port called NAME (repeatable)")
    List<String> ports = new ArrayList<>();

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

    /** The modes of --private-users; a value that is none of them is the first image, not the flag's. */
    enum PrivateUsersMode { idmap, chown }

    /** "--private-users" alone means idmap: the next argument is its value only when it is a mode (else it is the first image). */
    static final class PrivateUsersValue implements CommandLine.IParameterPreprocessor {
        @Override public boolean preprocess(java.util.Stack<String> args, CommandLine.Model.CommandSpec spec,
                                            CommandLine.Model.ArgSpec argSpec, Map<String, Object> info) {
            boolean attached = "=".equals(info.get("separator"));
            if (!attached && (args.isEmpty() || !(args.peek().equals("idmap") || args.peek().equals("chown")))) args.push("idmap");
            return false;
        }
    }

    @Option(names = "--private-users", arity = "1", preprocessor = PrivateUsersValue.class, paramLabel = "idmap|chown",
            description = "give the pod a user namespace of its own with 65536 ids from the pool: root in the pod is an"
                + " unprivileged id on the host; idmap (default) mounts images and volumes idmapped, chown copies each image"
                + " with shifted owners")
    PrivateUsersMode privateUsers;

    @Option(names = "--mds-register", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            preprocessor = jrkt.cli.args.AttachedValueOnly.TrueWhenAlone.class,
            description = "the appc metadata service (AC_METADATA_URL) for the pod: true fails a pod that cannot have it before any"
                + " app starts, false gives it none (default: served when the pod has a network of its own)")
    Boolean mdsRegister;

    @Option(names = "--user-annotation", paramLabel = "NAME=VALUE", description = "an annotation of the pod (repeatable)")
    List<String> userAnnotations = new ArrayList<>();

    @Option(names = "--uuid-file-save", paramLabel = "FILE", description = "write the pod's UUID to FILE")
    Path uuidFileSave;

    @Option(names = "--stage1-path", paramLabel = "FILE", description = "the stage1 image: this ACI file (imported into the store)")
    Path stage1Path;

    @Option(names = "--stage1-name", paramLabel = "NAME[:VERSION]",
            description = "the stage1 image: a flavor jrkt builds (jrkt.io/stage1-default, jrkt.io/stage1-fly) or this image in the store")
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

    @Option(names = "--pull-policy", paramLabel = "new|update|never", defaultValue = "new",
            converter = jrkt.cli.image.PullPolicyConverter.class,
            description = "for images given as docker://, oci-*:, files: new: use a stored one if there is one (default); update: fetch again; never: only the store")
    jrkt.core.image.fetch.Fetcher.PullPolicy pullPolicy;

    @Option(names = {"--quiet", "-q"}, description = "no progress bar while fetching")
    boolean quiet;

    /** The host's cgroups, read on the warm-up thread while this one opens the store (and run's first cgroup move). */
    @Override protected Runnable workAhead() { return new PrepareAhead(startsAtOnce()); }

    @Override protected boolean primesCgroupMoves() { return startsAtOnce(); }

    /** Whether the pod is started right after it is prepared (run): its networks are then set up meanwhile. */
    boolean startsAtOnce() { return false; }

    /** Parses everything, prepares the pod and returns its UUID; on a failure nothing is left. */
    String preparePod() throws IOException {
        return prepareAndTell().uuid();
    }

    /** preparePod, with what the pod's start needs of it in this process (see PodPreparer.Prepared). */
    PodPreparer.Prepared prepareAndTell() throws IOException {
        PrepareRequest parsed = request(null);
        if (uuidFileSave != null) {
            checkWritableParent(uuidFileSave);
            Pods.checkUuidFileSave(uuidFileSave); // before the pod exists: a device node fails nothing half-done
        }
        // A pod started at once gets its network namespace made meanwhile (EarlyNetworks).
        EarlyNetworks networks = startsAtOnce() && parsed.net().hasNetworks() ? EarlyNetworks.begin() : EarlyNetworks.none();
        try {
            parsed = fetchImages(parsed);
        } catch (RuntimeException | IOException e) {
            networks.abandon(e);
            throw e;
        }
        Phases.mark("request");
        PodDirs dirs = new PodDirs(jrkt().dataDir());
        PodPreparer.Prepared prepared;
        // Leased from selection on: image gc cannot take the stage1 image before the pod has it.
        try (Lease lease = store().lease()) {
            Store store = store();
            String stage1 = new Stage1Images(store, VersionInfo.home()).select(lease, stage1Path, stage1Name, stage1Hash,
                configuredStage1());
            Phases.mark("stage1-image");
            PrepareRequest request = withStage1(parsed, stage1, store);
            if (!request.net().hasNetworks() && networks.wanted()) { // (no exception made for nothing: --net=none's every run)
                networks.abandon(new JrktException("the stage1 flavor gives the pod no network of its own"));
                networks = EarlyNetworks.none();
            }
            prepared = new PodPreparer(store, dirs).prepareToRun(request, lease, networks,
                startsAtOnce() ? EarlyCgroups.wanted() : EarlyCgroups.none());
        } catch (RuntimeException | IOException e) {
            networks.abandon(e);
            throw e;
        }
        Phases.mark("prepare");
        String uuid = prepared.uuid();
        // appc: an executor makes known which isolators it did not apply
        for (String line : prepared.notApplied()) warn("warning: not applied: " + line);
        if (uuidFileSave != null) {
            try {
                Pods.saveUuidFile(uuidFileSave, uuid);
            } catch (JrktException e) {
                // the pod nobody can name is of no use: take it back
                removeAfterFailure(uuid, e);
                throw e;
            }
        }
        return prepared;
    }

    /** Removes a pod this command prepared and that failed afterwards; a failure to remove joins the first. */
    void removeAfterFailure(String uuid, JrktException failure) {
        PodDirs dirs = new PodDirs(jrkt().dataDir());
        try {
            new PodRemover(dirs, jrkt().debug()).remove(new Pods(dirs).resolve(uuid));
        } catch (JrktException removing) {
            failure.addSuppressed(removing);
        }
    }

    /** The request from the flags; every flag is checked here, before anything is imported or written. */
    PrepareRequest request(String stage1Id) {
        if (appFlagsBeforeImage != null && appFlagsBeforeImage.any()) {
            throw new JrktException("app flags (--exec, --name, --user, ...) follow their image; none may come before the first image");
        }
        List<AppSpec> apps = AppArgs.parse(appArgs, this::podFlagNames);
        List<VolumeSpec> parsedVolumes = new ArrayList<>();
        for (String v : volumes) parsedVolumes.add(VolumeSpec.parse(v));
        // without --net: the default network, or the host's for a flavor known by name to have no other (fly)
        Stage1Images.DefaultNetwork byFlavor = net.isEmpty()
            ? Stage1Images.defaultNetwork(stage1Path, stage1Name, stage1Hash, configuredStage1()) : Stage1Images.DefaultNetwork.CNI_DEFAULT;
        NetMode netMode = switch (byFlavor) {
            case HOST -> NetMode.HOST;
            case CNI_DEFAULT -> NetMode.fromFlags(net, ports, new NetworkConfigs(jrkt().localConfig(), jrkt().systemConfig(), jrkt().dataDir()));
        };
        DnsConfig dnsConfig = DnsConfig.fromFlags(dns, dnsSearch, dnsOpt, dnsDomain, netMode);
        List<String> hosts = new ArrayList<>();
        for (String h : hostsEntries) hosts.add(HostsEntries.parse(h));
        Map<String, String> fromFiles = new LinkedHashMap<>();
        for (Path f : setEnvFiles) fromFiles.putAll(Environment.readEnvFile(f));
        Map<String, String> set = Environment.parseAssignments("--set-env", setEnv);
        Map<String, String> inherited = inheritEnv ? new LinkedHashMap<>(jrkt.core.HostEnvironment.get()) : Map.of();
        String tty = interactive() ? terminal() : null;
        PrivateUsers userns = privateUsers == null ? PrivateUsers.NONE : PrivateUsers.parse(privateUsers.name());
        return new PrepareRequest(apps, parsedVolumes, hostname, netMode, dnsConfig, hosts, inherited, fromFiles, set,
            stage1Id, noOverlay, interactive(), tty, PodAnnotations.parse("--user-annotation", userAnnotations), isolation(), userns,
            userns == PrivateUsers.NONE ? null : IdPool.load(jrkt().localConfig(), jrkt().systemConfig()), MetadataMode.ofFlag(mdsRegister));
    }

    private String configuredStage1() { return Stage1Images.configuredDefault(jrkt().localConfig(), jrkt().systemConfig()); }

    /** The pod's limits, --cgroup-parent and the run-time --insecure-options. */
    private IsolationRequest isolation() {
        Set<String> insecure = jrkt().insecureOptions();
        return new IsolationRequest(IsolatorFlags.resources(podResources.values()), cgroupParent,
            insecure.contains("capabilities"), insecure.contains("paths"), insecure.contains("seccomp"));
    }

    /**
     * The request for this stage1. Without --net a flavor that gives pods no network of their own
     * (fly) runs them in the host's, with the host's resolv.conf as --net=host has.
     */
    private PrepareRequest withStage1(PrepareRequest r, String stage1, Store store) {
        NetMode netMode = r.net();
        DnsConfig dnsConfig = r.dns();
        if (net.isEmpty() && netMode.hasNetworks()) {
            java.util.List<String> isolates = Stage1Images.isolates(store, stage1);
            if (!isolates.contains("network")) netMode = NetMode.HOST;
            if (netMode != r.net()) dnsConfig = DnsConfig.fromFlags(dns, dnsSearch, dnsOpt, dnsDomain, netMode);
        }
        return new PrepareRequest(r.apps(), r.volumes(), r.hostname(), netMode, dnsConfig, r.hostsEntries(), r.inheritedEnv(),
            r.envFromFiles(), r.setEnv(), stage1, r.noOverlay(), r.interactive(), r.consoleTty(), r.annotations(), r.isolation(),
            r.privateUsers(), r.idPool(), r.metadata());
    }

    /** Every app image given as something to fetch (docker://, a file, oci-layout:...) is fetched, then named by its ID. */
    private PrepareRequest fetchImages(PrepareRequest r) throws IOException {
        boolean any = false; // a loop: the run path starts no stream (their framework's first use costs ~0.4 ms)
        for (AppSpec a : r.apps()) any |= jrkt.core.image.fetch.Fetcher.isFetchable(a.image());
        if (!any) return r;
        jrkt.core.image.fetch.Fetcher fetcher = jrkt().fetcher(pullPolicy, quiet);
        List<AppSpec> apps = new ArrayList<>();
        for (AppSpec a : r.apps()) {
            if (!jrkt.core.image.fetch.Fetcher.isFetchable(a.image())) { apps.add(a); continue; }
            String id = fetcher.fetch(a.image()).id();
            apps.add(new AppSpec(id, a.name(), a.exec(), a.args(), a.user(), a.group(), a.supplementaryGids(), a.workingDirectory(),
                a.environment(), a.mounts(), a.readOnlyRootFs(), a.isolators()));
        }
        return new PrepareRequest(apps, r.volumes(), r.hostname(), r.net(), r.dns(), r.hostsEntries(), r.inheritedEnv(),
            r.envFromFiles(), r.setEnv(), r.stage1ImageId(), r.noOverlay(), r.interactive(), r.consoleTty(), r.annotations(), r.isolation(),
            r.privateUsers(), r.idPool(), r.metadata());
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
}
