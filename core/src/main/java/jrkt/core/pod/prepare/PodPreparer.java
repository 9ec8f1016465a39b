package jrkt.core.pod.prepare;

import java.io.IOException;
import jrkt.core.Phases;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jrkt.core.JrktException;
import jrkt.core.fs.Dirs;
import jrkt.core.fs.NewFiles;
import jrkt.core.fs.PrivateDirs;
import jrkt.core.fs.TreeCopy;
import jrkt.core.fs.Trees;
import jrkt.core.image.aci.ImageManifest;
import jrkt.core.isolation.CgroupHost;
import jrkt.core.isolation.EarlyCgroups;
import jrkt.core.isolation.IsolationPlan;
import jrkt.core.isolation.Isolators;
import jrkt.core.metadata.PodKeys;
import jrkt.core.metadata.PodMetadata;
import jrkt.core.net.EarlyNetworks;
import jrkt.core.net.PodNetworks;
import jrkt.core.pod.AppDirs;
import jrkt.core.pod.PodDirs;
import jrkt.core.pod.PodLock;
import jrkt.core.pod.Stage1Entrypoints;
import jrkt.core.pod.Pods;
import jrkt.core.pod.userns.IdRange;
import jrkt.core.pod.userns.IdRanges;
import jrkt.core.pod.userns.IdmapSupport;
import jrkt.core.pod.userns.PodUserNamespace;
import jrkt.core.pod.userns.PrivateUsers;
import jrkt.core.store.ImageInfo;
import jrkt.core.store.Lease;
import jrkt.core.store.ImageRoot;
import jrkt.core.store.Store;

/**
 * Prepares a pod: everything stage0 computes before stage1 runs. The pod is built in
 * {@code pods/prepare/<uuid>} and renamed to {@code pods/prepared/<uuid>} only when complete;
 * on any error its directory is removed and nothing is left under pods/.
 *
 * <p>The pod directory then holds (docs/pods.md, "Preparing a pod"):
 * {@code pod} (appc pod manifest), {@code plan} (docs/stage1-abi.md), {@code stage1/manifest},
 * {@code stage1/rootfs/}, {@code apps/<app>/} (the overlay's {@code upper/} and {@code work/},
 * the seccomp filter {@code seccomp.bpf}, {@code hosts} and {@code resolv.conf}; with --no-overlay
 * the app's copy is {@code apps-rootfs/<app>/}), {@code volumes/<name>/} for empty volumes, {@code trees}
 * (the rendered tree IDs the pod uses, one a line), {@code metadata-resources} or
 * {@code metadata-disabled}, the isolation files ({@code cgroups}, {@code isolation}; see
 * IsolationPlan), and on CNI networks {@code net/networks.json} (docs/networking.md). Every
 * directory and file is an inode each start makes: there are no more than these.
 */
public final class PodPreparer {
    private final Store store;
    private final PodDirs dirs;

    public PodPreparer(Store store, PodDirs dirs) {
        this.store = store;
        this.dirs = dirs;
    }

    /**
     * A pod just prepared: its UUID, and what its start and its caller would otherwise read back
     * from the pod directory this process wrote (and parse again, interpreted): the isolators it
     * could not apply, and the annotations of its stage1's manifest (the entrypoints).
     */
    public record Prepared(String uuid, List<String> notApplied, Map<String, String> stage1Annotations) {
        public Prepared {
            notApplied = List.copyOf(notApplied);
            stage1Annotations = Map.copyOf(stage1Annotations);
        }
    }

    /** Prepares the pod and returns its UUID; the pod is then in {@code pods/prepared/<uuid>}. */
    public String prepare(PrepareRequest request) {
        try (Lease lease = store.lease()) {
            return prepareToRun(request, lease, EarlyNetworks.none(), EarlyCgroups.none()).uuid();
        }
    }

    /**
     * Prepares the pod with the images and trees it uses held by lease (image gc leaves them
     * alone) until the pod lists its trees; the caller may have leased the stage1 image already.
     */
    public String prepare(PrepareRequest request, Lease lease) {
        return prepareToRun(request, lease, EarlyNetworks.none(), EarlyCgroups.none()).uuid();
    }

    /**
     * Prepares a pod that is started right after ({@code jrkt run}): its networks are set up while
     * it is prepared, with the namespace begun by the caller, so that the start does not wait for
     * the CNI plugins, and so are its cgroups, once they are decided. On a failure they are
     * undone, as is the pod.
     */
    public Prepared prepareToRun(PrepareRequest request, Lease lease, EarlyNetworks networks, EarlyCgroups cgroups) {
        String uuid = Pods.newUuid();
        Path pod = null;
        PodLock lock = null;
        try {
            validate(request);
            PrivateDirs.ensure(dirs.root()); // overlay upper dirs and app trees: root's alone
            Path embryo = dirs.pod(PodDirs.EMBRYO, uuid);
            Dirs.made(embryo.getParent());
            Files.createDirectory(embryo);
            pod = embryo;
            // Held until the pod is in prepared/: without it the pod shows as "aborted prepare",
            // which rm and gc may delete under our feet. The fd follows the renames below.
            lock = PodLock.tryExclusive(embryo);
            if (lock == null) throw new JrktException("pod " + uuid + " was locked by another process while being created");
            Path preparing = dirs.pod(PodDirs.PREPARE, uuid);
            Dirs.made(preparing.getParent());
            Files.move(embryo, preparing, StandardCopyOption.ATOMIC_MOVE);
            pod = preparing;
            // Without port forwards the networks need nothing of the images: they start at once.
            if (request.net().ports().isEmpty()) planNetworks(pod, uuid, request, Map.of(), networks);

            Phases.mark("pod-directory");
            Prepared prepared = build(pod, uuid, request, lease, networks, cgroups);

            Path done = dirs.pod(PodDirs.PREPARED, uuid);
            Dirs.made(done.getParent());
            Files.move(preparing, done, StandardCopyOption.ATOMIC_MOVE);
            return prepared;
        } catch (RuntimeException | IOException | Error e) {
            networks.abandon(e);
            cgroups.abandon(e);
            if (pod != null) Trees.deleteQuietly(pod, e); // null: creating the embryo failed, nothing to undo
            try {
                PodKeys.destroy(dirs, uuid);
            } catch (RuntimeException destroy) {
                e.addSuppressed(destroy);
            }
            if (request.privateUsers() != PrivateUsers.NONE) {
                try {
                    IdRanges.release(dirs, uuid);
                } catch (RuntimeException release) {
                    e.addSuppressed(release);
                }
            }
            if (e instanceof JrktException je) throw je;
            throw new JrktException("preparing pod " + uuid + " failed: " + oneLine(e), e);
        } finally {
            if (lock != null) lock.close();
        }
    }

    private static void validate(PrepareRequest r) {
        if (r.apps().isEmpty()) throw new JrktException("no image given: a pod needs at least one app");
        if (r.stage1ImageId() == null) throw new JrktException("no stage1 image given");
        Set<String> names = new HashSet<>();
        for (VolumeSpec v : r.volumes())
            if (!names.add(v.name())) throw new JrktException("--volume " + v.name() + ": two volumes have this name");
        PodMetadata.check(r.metadata(), r.net() == NetMode.HOST);
        if (r.interactive() && r.apps().size() != 1)
            throw new JrktException("--interactive needs exactly one app, got " + r.apps().size());
        if (r.hostname() != null && !r.hostname().matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,62})"))
            throw new JrktException("--hostname " + r.hostname() + ": not a host name (letters, digits, '.', '-'; at most 63)");
        for (AppSpec a : r.apps())
            for (MountSpec m : a.mounts())
                if (!names.contains(m.volume()))
                    throw new JrktException("--mount volume=" + m.volume() + ",target=" + m.target() + ": no --volume named " + m.volume());
    }

    private Prepared build(Path pod, String uuid, PrepareRequest r, Lease lease, EarlyNetworks networks, EarlyCgroups cgroups)
            throws IOException {
        lease.image(r.stage1ImageId());
        List<SideWork<?>> sides = new ArrayList<>(2); // parts made on threads of their own (SideWork)
        try {
            // stage1's manifest and a copy of its rendered tree, made beside what follows
            SideWork<Void> stage1Copy = Stage1Copy.start(pod, r.stage1ImageId(), store, lease);
            sides.add(stage1Copy);
            return build(pod, uuid, r, lease, networks, cgroups, stage1Copy, sides);
        } catch (IOException | RuntimeException | Error e) {
            for (SideWork<?> side : sides) side.abandon(e);
            throw e;
        }
    }

    private Prepared build(Path pod, String uuid, PrepareRequest r, Lease lease, EarlyNetworks networks, EarlyCgroups cgroups,
                           SideWork<Void> stage1Copy, List<SideWork<?>> sides) throws IOException {
        String hostname = r.hostname() != null ? r.hostname() : "jrkt-" + uuid;

        // Resolve every app's image first: an unknown image fails before any app is rendered.
        List<ImageInfo> infos = new ArrayList<>();
        List<ImageManifest> manifests = new ArrayList<>();
        for (AppSpec a : r.apps()) {
            ImageInfo info = lease.resolve(a.image());
            infos.add(info);
            manifests.add(store.manifest(info.id()));
        }
        List<String> explicit = new ArrayList<>();
        for (AppSpec a : r.apps()) explicit.add(a.name());
        List<String> imageNames = new ArrayList<>(); // loops, not streams, on the run path (see fetchImages)
        for (ImageInfo info : infos) imageNames.add(info.name());
        List<String> names = Names.assign(imageNames, explicit);
        if (!r.net().ports().isEmpty()) {
            Map<String, List<ImageManifest.Port>> ports = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                ImageManifest.App app = manifests.get(i).app();
                ports.put(names.get(i), app == null ? List.of() : app.ports());
            }
            planNetworks(pod, uuid, r, ports, networks);
        }

        Phases.mark("images-resolved");
        // An image that is no stage1 fails here, at prepare, rather than when the pod is run.
        ImageManifest stage1Manifest = store.manifest(r.stage1ImageId());
        Stage1Entrypoints entrypoints = Stage1Entrypoints.of(pod, stage1Manifest.annotations());
        if (entrypoints.run() == null) {
            throw new JrktException("image " + stage1Manifest.name() + " (" + r.stage1ImageId().substring(0, 19)
                + ") is not a stage1 image: its manifest has no annotation " + Stage1Entrypoints.PREFIX + "run");
        }
        if (!entrypoints.planVersions().contains(PodPlan.VERSION)) {
            throw new JrktException("stage1 image " + stage1Manifest.name() + " (" + r.stage1ImageId().substring(0, 19) + ") reads plan versions "
                + (entrypoints.planVersions().isEmpty() ? "(none listed in " + Stage1Entrypoints.PLAN_VERSIONS + ")"
                    : String.join(",", entrypoints.planVersions()))
                + ", but this jrkt writes plan version " + PodPlan.VERSION);
        }
        checkFlavorIsolates(r, entrypoints.isolates(), stage1Manifest.name());

        Phases.mark("stage1-checked");
        Map<String, VolumeSpec> volumes = new LinkedHashMap<>();
        for (VolumeSpec v : r.volumes()) volumes.put(v.name(), v);

        List<PreparedApp> apps = new ArrayList<>();
        for (int i = 0; i < r.apps().size(); i++) {
            ImageRoot root = lease.imageRoot(infos.get(i).id());
            apps.add(prepareApp(r, r.apps().get(i), names.get(i), infos.get(i), manifests.get(i), root, volumes));
        }
        List<VolumeSpec> allVolumes = new ArrayList<>(volumes.values());
        PodUserNamespace userns = userNamespace(pod, uuid, r, apps, allVolumes);
        List<IsolationPlan.App> isolated = new ArrayList<>();
        for (PreparedApp a : apps) isolated.add(new IsolationPlan.App(a.name(), a.isolators()));
        IsolationPlan isolation = IsolationPlan.decide(uuid, r.isolation(), isolated, CgroupHost.current(),
            entrypoints.isolates().contains("kernel"));

        Phases.mark("apps-isolation");
        Map<String, Object> manifest = PodManifest.build(apps, allVolumes, r.annotations());
        manifest.put("isolators", isolation.podIsolatorsJson());
        byte[] podManifest = PodManifest.write(pod.resolve("pod"), manifest);
        // the metadata service's resources and the pod's key, written beside the apps' roots
        SideWork<PodMetadata> metadataWrite = null;
        if (PodMetadata.served(pod, stage1Manifest, r.metadata(), r.net() == NetMode.HOST)) {
            metadataWrite = new MetadataWrite(dirs, pod, podManifest, uuid, r, apps, manifests, store).start();
            sides.add(metadataWrite);
        }
        Phases.mark("manifest-metadata");
        Files.createDirectory(pod.resolve("apps"));
        for (PreparedApp a : apps) Files.createDirectory(pod.resolve(AppDirs.of(a.name())));
        isolation.write(pod); // the seccomp filters go in apps/NAME/
        cgroups.start(uuid, isolation.cgroups()); // the record names them now: a failure below removes both
        writeVolumes(pod, allVolumes, shiftOf(userns));
        // no logs/: stage1 makes it for a pod run with --detach, the only one that writes there
        Set<String> trees = new java.util.LinkedHashSet<>();
        for (PreparedApp a : apps) {
            writeAppRootfs(pod, a, r.noOverlay(), userns);
            trees.addAll(a.root().ids());
        }
        Phases.mark("app-roots");
        writeEtcFiles(pod, apps, hostname, r);
        NewFiles.write(pod.resolve("trees"), String.join("\n", trees) + "\n");

        PodMetadata metadata = metadataWrite == null ? null : metadataWrite.finish();
        PlanWriter plan = new PodPlan(hostname, r, apps, volumes, isolation, userns).metadata(metadata).build();
        plan.writeTo(pod.resolve("plan"));
        stage1Copy.finish(); // (its render is among what the lease marks used)
        lease.markUsed(); // its two images in one write to the index, failing the preparation if it fails
        networks.finish(); // after the etc files, which the networks' DNS and addresses update
        // the apps' own copies of the etc files, once the networks wrote theirs: root's as the pod sees it
        IdRange shift = shiftOf(userns);
        if (shift.count() > 0) {
            for (PreparedApp a : apps) {
                for (String file : new String[] {AppDirs.hosts(a.name()), AppDirs.resolvConf(a.name())}) {
                    Path p = pod.resolve(file);
                    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) TreeCopy.shiftOwners(p, shift.uid(), shift.gid());
                }
            }
        }
        return new Prepared(uuid, isolation.notApplied(), stage1Manifest.annotations());
    }

    /**
     * Writes the pod's network plan (jrkt.core.net.PodNetworks) and starts setting the networks up
     * when the pod is prepared to run at once; appPorts are the apps' ports from their images.
     */
    private static void planNetworks(Path pod, String uuid, PrepareRequest r, Map<String, List<ImageManifest.Port>> appPorts,
                                     EarlyNetworks networks) throws IOException {
        if (!r.net().hasNetworks()) return;
        PodNetworks.prepare(pod, r.net().networks(), r.net().pluginPath(), r.net().ports(), appPorts,
            r.dns().mode() == DnsConfig.Mode.NETWORK);
        networks.start(pod, uuid);
    }

    private static PreparedApp prepareApp(PrepareRequest r, AppSpec spec, String name, ImageInfo info,
                                          ImageManifest manifest, ImageRoot rootfs, Map<String, VolumeSpec> volumes) {
        ImageManifest.App image = manifest.app() != null ? manifest.app()
            : new ImageManifest.App(List.of(), "0", "0", List.of(), null, List.of(), List.of(), List.of(), List.of(), List.of());

        Map<String, String> env = Environment.compose(name, r.inheritedEnv(), image.environment(), r.envFromFiles(),
            r.setEnv(), spec.environment());

        List<String> exec = new ArrayList<>();
        if (spec.exec() != null) exec.add(spec.exec());
        else exec.addAll(image.exec());
        if (exec.isEmpty())
            throw new JrktException("app " + name + ": image " + info.name() + " has no exec; give one with --exec");
        if (!spec.args().isEmpty()) {
            exec.subList(1, exec.size()).clear();
            exec.addAll(spec.args());
        }
        exec.set(0, Executables.resolve(name, rootfs, exec.get(0), env));

        String user = spec.user() != null ? spec.user() : image.user();
        String group = spec.group() != null ? spec.group() : image.group();
        int uid = Users.resolveUser(name, rootfs, user);
        int gid = Users.resolveGroup(name, rootfs, group);
        List<Integer> groups = spec.supplementaryGids() != null ? spec.supplementaryGids() : image.supplementaryGids();

        String workdir = spec.workingDirectory() != null ? spec.workingDirectory()
            : image.workingDirectory() != null ? image.workingDirectory() : "/";
        if (!workdir.startsWith("/")) throw new JrktException("app " + name + ": working directory " + workdir + " is not an absolute path");

        // Explicit mounts first; then every image mount point no explicit mount covers, from
        // the pod volume of its name, or a new empty volume (as rkt does).
        List<MountSpec> mounts = new ArrayList<>(spec.mounts());
        Set<String> targets = new HashSet<>();
        for (MountSpec m : mounts) targets.add(m.target());
        for (ImageManifest.MountPoint mp : image.mountPoints()) {
            if (targets.contains(mp.path())) continue;
            volumes.computeIfAbsent(mp.name(), VolumeSpec::emptyDefault);
            mounts.add(new MountSpec(mp.name(), mp.path()));
        }

        boolean hasPreStart = false;
        for (ImageManifest.EventHandler h : image.eventHandlers()) hasPreStart |= h.name().equals("pre-start");
        AppStartCheck.check(name, info.name(), rootfs, exec.get(0), workdir, hasPreStart, mounts, volumes);

        return new PreparedApp(name, info.id(), info.name(), info.labels(), rootfs, List.copyOf(exec),
            user, group, uid, gid, List.copyOf(groups), workdir, env, image.eventHandlers(), image.mountPoints(),
            image.ports(), Isolators.merge(image.isolators(), spec.isolators()), List.copyOf(mounts), spec.readOnlyRootFs());
    }

    /** What the pod asks for must be something the stage1 flavor gives (fly: the host's namespaces but mount). */
    private static void checkFlavorIsolates(PrepareRequest r, List<String> isolates, String stage1) {
        // "kernel": the pod runs on a kernel of its own (kvm), so the host's network cannot be shared
        if (r.net() == NetMode.HOST && isolates.contains("kernel"))
            throw new JrktException("stage1 " + stage1 + " runs pods in a virtual machine with its own kernel: --net=host is not possible; give it a CNI network (--net=NAME) or --net=none");
        if (r.net() != NetMode.HOST && !isolates.contains("network"))
            throw new JrktException("stage1 " + stage1 + " runs pods in the host's network namespace: --net=" + r.net()
                + " needs a flavor that gives a pod its own (jrkt.io/stage1-default)");
        if (r.privateUsers() != PrivateUsers.NONE && !isolates.contains("user"))
            throw new JrktException("stage1 " + stage1 + " gives a pod no user namespace: --private-users needs jrkt.io/stage1-default");
        if (r.hostname() != null && !isolates.contains("uts"))
            throw new JrktException("stage1 " + stage1 + " runs pods with the host's host name: --hostname needs a flavor that gives a pod its own");
    }

    /**
     * With --private-users: the pod's id range (given back by gc, or by the failure cleanup of
     * prepare), after checking that everything stage1 will mount idmapped can be.
     */
    private PodUserNamespace userNamespace(Path pod, String uuid, PrepareRequest r, List<PreparedApp> apps,
                                           List<VolumeSpec> volumes) {
        if (r.privateUsers() == PrivateUsers.NONE) return null;
        if (r.privateUsers() == PrivateUsers.IDMAP) {
            for (PreparedApp a : apps)
                if (!r.noOverlay()) for (Path layer : a.root().layers()) IdmapSupport.require(layer, "the image of app " + a.name());
            IdmapSupport.require(pod, "the pod directory");
            for (VolumeSpec v : volumes)
                if (v.kind() == VolumeSpec.Kind.HOST) IdmapSupport.require(Path.of(v.source()), "the source of volume " + v.name());
        }
        PodUserNamespace userns = new PodUserNamespace(new IdRanges(dirs, r.idPool()).allocate(uuid), r.privateUsers());
        userns.write(pod);
        return userns;
    }

    /** The ids to add to what stage0 makes owned, so that it is the pod's: only for a shifted copy; idmapped mounts need none. */
    private static IdRange shiftOf(PodUserNamespace userns) {
        return userns != null && userns.mode() == PrivateUsers.CHOWN ? userns.ids() : new IdRange(0, 0, 0);
    }

    /** volumes/NAME for each empty volume; volumes/ only when there is one (every inode costs a start). */
    private static void writeVolumes(Path pod, List<VolumeSpec> volumes, IdRange shift) throws IOException {
        Path dir = pod.resolve("volumes");
        for (VolumeSpec v : volumes) {
            if (v.kind() == VolumeSpec.Kind.HOST) {
                if (!Files.exists(Path.of(v.source())))
                    throw new JrktException("--volume " + v.name() + ": source " + v.source() + " does not exist");
                continue;
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(dir);
            Path d = Files.createDirectory(dir.resolve(v.name()));
            Files.setAttribute(d, "unix:uid", (int) (Integer.toUnsignedLong(v.uid()) + shift.uid()), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(d, "unix:gid", (int) (Integer.toUnsignedLong(v.gid()) + shift.gid()), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(d, "unix:mode", v.mode());
        }
    }

    private void writeAppRootfs(Path pod, PreparedApp a, boolean noOverlay, PodUserNamespace userns) throws IOException {
        if (noOverlay || (userns != null && userns.mode() == PrivateUsers.CHOWN)) {
            Path copy = Files.createDirectories(pod.resolve("apps-rootfs").resolve(a.name()));
            if (!jrkt.core.store.LayerStore.isOciId(a.imageId())) TreeCopy.copy(a.root().top(), copy);
            else store.layers().flattenInto(a.imageId(), copy); // an OCI image: its layers applied in order
            // the rkt way: every file of the copy moved into the pod's id range, once per pod
            if (userns != null && userns.mode() == PrivateUsers.CHOWN) TreeCopy.shiftOwners(copy, userns.ids().uid(), userns.ids().gid());
            return;
        }
        Path upper = Files.createDirectory(pod.resolve(AppDirs.upper(a.name()))); // in apps/NAME, made already
        Files.createDirectory(pod.resolve(AppDirs.work(a.name())));
        // The merged root takes the upper directory's owner and mode: make them the image's, as the
        // pod sees them (its id range on the host, when it has one: the upper layer is not idmapped).
        TreeCopy.copyOwnerAndMode(a.root().top(), upper);
        if (userns != null) TreeCopy.shiftOwners(upper, userns.ids().uid(), userns.ids().gid());
    }

    /** Writes apps/<app>/hosts, and apps/<app>/resolv.conf unless the image keeps its own. */
    private static void writeEtcFiles(Path pod, List<PreparedApp> apps, String hostname, PrepareRequest r) throws IOException {
        String hosts = HostsEntries.render(hostname, r.hostsEntries());
        if (hosts == null) hosts = Files.readString(Path.of("/etc/hosts"));
        String resolv = switch (r.dns().mode()) {
            case IMAGE -> null;
            case HOST -> Files.exists(Path.of("/etc/resolv.conf")) ? Files.readString(Path.of("/etc/resolv.conf")) : "";
            case GENERATED -> r.dns().render();
            case NETWORK -> null; // each app's own image file, until the networks' DNS replaces it at start
        };
        for (PreparedApp a : apps) {
            NewFiles.write(pod.resolve(AppDirs.hosts(a.name())), hosts);
            Path resolvConf = pod.resolve(AppDirs.resolvConf(a.name()));
            if (resolv != null) NewFiles.write(resolvConf, resolv);
            else if (r.dns().mode() == DnsConfig.Mode.NETWORK) NewFiles.write(resolvConf, imageResolvConf(a));
        }
    }

    /** The image's own /etc/resolv.conf (its links followed inside the image), or "" when it has none. */
    private static String imageResolvConf(PreparedApp a) throws IOException {
        Path file = RootfsPath.resolveHost(a.root(), "/etc/resolv.conf");
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.readString(file) : "";
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
