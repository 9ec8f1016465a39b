/* The kvm flavor's network: the pod's CNI network namespace, handed to the VM.
 *
 * stage0 makes the pod's network namespace and runs the CNI plugins as for every flavor, so each
 * network leaves an interface (eth0, eth1, ...) with an IPv4 address, a MAC and routes in it. A
 * VM cannot use that interface, so on the host, in the pod's namespace, each one becomes a port
 * of a bridge of its own together with a tap device QEMU drives:
 *
 *   host ── veth ── eth0 (a new MAC) ── jrkt-br0 ── jrkt-tap0 ══ QEMU ══ VM's eth0
 *
 * The VM's NIC takes eth0's address, MAC and MTU, and eth0's routes, so to the rest of the host
 * (the CNI bridge's forwarding table, ARP caches, portmap rules) the pod is where CNI put it.
 * What the VM is to configure goes to the guest as a file in the shared tree (NET_FILE); the
 * guest finds each NIC by its MAC. Everything made here lives in the pod's namespace and goes
 * with it. IPv4 only: an IPv6 address of a CNI result is not carried into the VM. */
#define _GNU_SOURCE
#include "kvm.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int ifreq_call(int sock, unsigned long request, const char *name, struct ifreq *ifr)
{
    snprintf(ifr->ifr_name, sizeof ifr->ifr_name, "%s", name);
    return ioctl(sock, request, ifr);
}

static int set_up(int sock, const char *name, bool up, struct s1_error *err)
{
    struct ifreq ifr = { 0 };
    if (ifreq_call(sock, SIOCGIFFLAGS, name, &ifr) < 0)
        return s1_fail(err, errno, "kvm: flags of %s", name);
    if (up)
        ifr.ifr_flags |= IFF_UP;
    else
        ifr.ifr_flags &= ~IFF_UP;
    if (ifreq_call(sock, SIOCSIFFLAGS, name, &ifr) < 0)
        return s1_fail(err, errno, "kvm: bring %s %s", name, up ? "up" : "down");
    return 0;
}

static int set_mtu(int sock, const char *name, int mtu, struct s1_error *err)
{
    struct ifreq ifr = { .ifr_mtu = mtu };
    if (ifreq_call(sock, SIOCSIFMTU, name, &ifr) < 0)
        return s1_fail(err, errno, "kvm: set the MTU of %s to %d", name, mtu);
    return 0;
}

static void format_mac(const unsigned char *mac, char *out, size_t size)
{
    snprintf(out, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static bool parse_mac(const char *s, unsigned char *mac)
{
    unsigned v[6];
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        return false;
    for (int i = 0; i < 6; i++)
        mac[i] = (unsigned char) v[i];
    return true;
}

static int prefix_of(uint32_t mask_be)
{
    return __builtin_popcount(mask_be);
}

static uint32_t mask_of(int prefix)
{
    return prefix <= 0 ? 0 : htonl(0xffffffffu << (32 - prefix));
}

/* ---- on the host, in the pod's network namespace ---- */

/* The routes of the namespace through the given interface, from /proc/net/route (which shows the
 * namespace of the reader), as lines for NET_FILE. */
static int read_routes(struct kvm_net *net, struct s1_error *err)
{
    FILE *f = fopen("/proc/net/route", "re");
    if (!f)
        return s1_fail(err, errno, "kvm: read the pod's routes");
    char line[512];
    if (!fgets(line, sizeof line, f)) { /* the header */
        fclose(f);
        return 0;
    }
    while (fgets(line, sizeof line, f) && net->nroutes < KVM_MAX_ROUTES) {
        char dev[IFNAMSIZ];
        unsigned dest, gw, flags, mask;
        int refcnt, use, metric;
        if (sscanf(line, "%15s %x %x %x %d %d %d %x", dev, &dest, &gw, &flags, &refcnt, &use, &metric, &mask) != 8 ||
            !(flags & RTF_UP))
            continue;
        bool ours = false;
        for (size_t i = 0; i < net->nnics; i++)
            ours = ours || strcmp(net->nics[i].name, dev) == 0;
        if (!ours)
            continue;
        struct kvm_route *r = &net->routes[net->nroutes++];
        snprintf(r->dev, sizeof r->dev, "%s", dev);
        r->dest.s_addr = dest; /* /proc/net/route prints the raw (network order) words */
        r->gateway.s_addr = gw;
        r->prefix = prefix_of(mask);
        r->metric = metric;
    }
    fclose(f);
    return 0;
}

static int bridge_nic(int sock, struct kvm_nic *nic, unsigned index, struct s1_error *err)
{
    char bridge[IFNAMSIZ], tap[IFNAMSIZ];
    snprintf(bridge, sizeof bridge, "jrkt-br%u", index % 100);
    snprintf(tap, sizeof tap, "jrkt-tap%u", index % 100);

    int tun = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (tun < 0)
        return s1_fail(err, errno, "kvm: open /dev/net/tun for %s", nic->name);
    struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", tap);
    if (ioctl(tun, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(tun);
        return s1_fail(err, e, "kvm: make the tap device %s", tap);
    }
    nic->tap_fd = tun;

    /* eth0 gives its MAC to the VM's NIC: a port keeping the VM's MAC would have the bridge take
     * the VM's frames for its own. It keeps its address: as a bridge port it no longer answers for
     * it (what arrives goes to the bridge), and the plugins' DEL finds by it what to tear down
     * (ptp's and bridge's ipMasq rules). */
    struct ifreq hw = { 0 };
    hw.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
    unsigned char *mac = (unsigned char *) hw.ifr_hwaddr.sa_data;
    if (getrandom(mac, 6, 0) != 6)
        return s1_fail(err, errno, "kvm: a random MAC for %s", nic->name);
    mac[0] = (unsigned char) ((mac[0] & 0xfe) | 0x02); /* unicast, locally administered */
    if (set_up(sock, nic->name, false, err) < 0)
        return -1;
    if (ifreq_call(sock, SIOCSIFHWADDR, nic->name, &hw) < 0)
        return s1_fail(err, errno, "kvm: give %s a new MAC", nic->name);

    if (ioctl(sock, SIOCBRADDBR, bridge) < 0)
        return s1_fail(err, errno, "kvm: make the bridge %s", bridge);
    const char *ports[] = { nic->name, tap };
    for (size_t i = 0; i < 2; i++) {
        struct ifreq port = { .ifr_ifindex = (int) if_nametoindex(ports[i]) };
        if (port.ifr_ifindex == 0 || ifreq_call(sock, SIOCBRADDIF, bridge, &port) < 0)
            return s1_fail(err, errno, "kvm: add %s to the bridge %s", ports[i], bridge);
    }
    if (set_mtu(sock, tap, nic->mtu, err) < 0 || set_mtu(sock, bridge, nic->mtu, err) < 0)
        return -1;
    if (set_up(sock, nic->name, true, err) < 0 || set_up(sock, tap, true, err) < 0 || set_up(sock, bridge, true, err) < 0)
        return -1;
    return 0;
}

int kvm_net_host(const struct plan *plan, int pod_fd, struct kvm_net *net, struct s1_error *err)
{
    memset(net, 0, sizeof *net);
    if (plan->net != NET_JOIN)
        return 0;
    cleanup_close int ns = plan->net_path[0] == '/' ? open(plan->net_path, O_RDONLY | O_CLOEXEC)
                                                     : path_open_pod(pod_fd, plan->net_path, O_RDONLY, true, err);
    if (ns < 0)
        return plan->net_path[0] == '/' ? s1_fail(err, errno, "open network namespace %s", plan->net_path)
                                        : s1_wrap(err, "network namespace");
    /* QEMU itself stays in the pod's namespace: the tap devices are there, the host sees none */
    if (setns(ns, CLONE_NEWNET) < 0)
        return s1_fail(err, errno, "join network namespace %s", plan->net_path);
    cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0)
        return s1_fail(err, errno, "socket");
    struct if_nameindex *names = if_nameindex();
    if (!names)
        return s1_fail(err, errno, "kvm: list the pod's interfaces");
    for (struct if_nameindex *i = names; i->if_index && net->nnics < KVM_MAX_NICS; i++) {
        if (strcmp(i->if_name, "lo") == 0)
            continue;
        struct kvm_nic *nic = &net->nics[net->nnics++];
        nic->tap_fd = -1;
        snprintf(nic->name, sizeof nic->name, "%s", i->if_name);
        struct ifreq ifr = { 0 };
        if (ifreq_call(sock, SIOCGIFHWADDR, nic->name, &ifr) < 0 || ifr.ifr_hwaddr.sa_family != 1) {
            if_freenameindex(names);
            return s1_fail(err, errno, "kvm: %s in the pod's network namespace is not an Ethernet interface", nic->name);
        }
        memcpy(nic->mac, ifr.ifr_hwaddr.sa_data, 6);
        nic->mtu = ifreq_call(sock, SIOCGIFMTU, nic->name, &ifr) < 0 ? 1500 : ifr.ifr_mtu;
        if (ifreq_call(sock, SIOCGIFADDR, nic->name, &ifr) == 0) {
            nic->addr = ((struct sockaddr_in *) &ifr.ifr_addr)->sin_addr;
            if (ifreq_call(sock, SIOCGIFNETMASK, nic->name, &ifr) == 0)
                nic->prefix = prefix_of(((struct sockaddr_in *) &ifr.ifr_netmask)->sin_addr.s_addr);
        }
    }
    if_freenameindex(names);
    /* the routes before the addresses go, which takes them */
    if (read_routes(net, err) < 0)
        return -1;
    for (size_t i = 0; i < net->nnics; i++)
        if (bridge_nic(sock, &net->nics[i], (unsigned) i, err) < 0)
            return s1_wrap(err, "kvm: network interface %s", net->nics[i].name);
    return 0;
}

void kvm_net_qemu_args(const struct kvm_net *net, void (*arg)(void *, const char *), void *data)
{
    for (size_t i = 0; i < net->nnics; i++) {
        char a[128], mac[32];
        format_mac(net->nics[i].mac, mac, sizeof mac);
        arg(data, "-netdev");
        snprintf(a, sizeof a, "tap,id=net%zu,fd=%d", i, net->nics[i].tap_fd);
        arg(data, a);
        arg(data, "-device");
        snprintf(a, sizeof a, "virtio-net-pci,netdev=net%zu,mac=%s", i, mac);
        arg(data, a);
    }
}

int kvm_net_write(const struct kvm_net *net, int dir_fd, struct s1_error *err)
{
    if (net->nnics == 0)
        return 0;
    cleanup_close int fd = openat(dir_fd, KVM_NET_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return s1_fail(err, errno, "kvm: create %s for the VM", KVM_NET_FILE);
    char buf[8192];
    size_t len = 0;
    for (size_t i = 0; i < net->nnics; i++) {
        const struct kvm_nic *n = &net->nics[i];
        char mac[32], addr[INET_ADDRSTRLEN];
        format_mac(n->mac, mac, sizeof mac);
        inet_ntop(AF_INET, &n->addr, addr, sizeof addr);
        len += (size_t) snprintf(buf + len, sizeof buf - len, "nic %s %s %s %d %d\n", n->name, mac, addr, n->prefix, n->mtu);
    }
    for (size_t i = 0; i < net->nroutes && len < sizeof buf - 128; i++) {
        const struct kvm_route *r = &net->routes[i];
        char dest[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &r->dest, dest, sizeof dest);
        inet_ntop(AF_INET, &r->gateway, gw, sizeof gw);
        len += (size_t) snprintf(buf + len, sizeof buf - len, "route %s %s %d %s %d\n", r->dev, dest, r->prefix, gw, r->metric);
    }
    if (s1_write_all(fd, buf, len) < 0)
        return s1_fail(err, errno, "kvm: write %s", KVM_NET_FILE);
    return 0;
}

/* ---- in the VM ---- */

/* The interface with this MAC: virtio_net probes as the module loads, but give it a moment. */
static int find_by_mac(int sock, const unsigned char *mac, char *name, struct s1_error *err)
{
    for (int attempt = 0; attempt < 200; attempt++) {
        struct if_nameindex *names = if_nameindex();
        for (struct if_nameindex *i = names; names && i->if_index; i++) {
            struct ifreq ifr = { 0 };
            if (ifreq_call(sock, SIOCGIFHWADDR, i->if_name, &ifr) == 0 && memcmp(ifr.ifr_hwaddr.sa_data, mac, 6) == 0) {
                snprintf(name, IFNAMSIZ, "%s", i->if_name);
                if_freenameindex(names);
                return 0;
            }
        }
        if (names)
            if_freenameindex(names);
        nanosleep(&(struct timespec) { .tv_nsec = 10 * 1000 * 1000 }, NULL);
    }
    char m[32];
    format_mac(mac, m, sizeof m);
    return s1_fail(err, 0, "kvm guest: no network interface with MAC %s", m);
}

static int configure_nic(int sock, char *const f[6], struct s1_error *err)
{
    const char *want = f[1];
    unsigned char mac[6];
    struct in_addr addr;
    if (strlen(want) >= IFNAMSIZ || !parse_mac(f[2], mac) || inet_pton(AF_INET, f[3], &addr) != 1)
        return s1_fail(err, 0, "kvm guest: %s: a bad nic line", KVM_NET_FILE);
    int prefix = atoi(f[4]), mtu = atoi(f[5]);
    char name[IFNAMSIZ];
    if (find_by_mac(sock, mac, name, err) < 0)
        return -1;
    if (strcmp(name, want) != 0) {
        /* the names the apps saw under the default flavor: eth0 for the first network, ... */
        struct ifreq ifr = { 0 };
        snprintf(ifr.ifr_newname, sizeof ifr.ifr_newname, "%s", want);
        if (ifreq_call(sock, SIOCSIFNAME, name, &ifr) < 0)
            return s1_fail(err, errno, "kvm guest: rename %s to %s", name, want);
    }
    if (set_mtu(sock, want, mtu, err) < 0)
        return -1;
    if (addr.s_addr) {
        struct ifreq ifr = { 0 };
        struct sockaddr_in *sin = (struct sockaddr_in *) &ifr.ifr_addr;
        sin->sin_family = AF_INET;
        sin->sin_addr = addr;
        if (ifreq_call(sock, SIOCSIFADDR, want, &ifr) < 0)
            return s1_fail(err, errno, "kvm guest: give %s the address %s", want, f[3]);
        sin->sin_addr.s_addr = mask_of(prefix);
        if (ifreq_call(sock, SIOCSIFNETMASK, want, &ifr) < 0)
            return s1_fail(err, errno, "kvm guest: give %s the prefix /%d", want, prefix);
    }
    return set_up(sock, want, true, err);
}

static int add_route(int sock, char *const f[6], bool gateways, struct s1_error *err)
{
    struct in_addr dest, gw;
    if (inet_pton(AF_INET, f[2], &dest) != 1 || inet_pton(AF_INET, f[4], &gw) != 1)
        return s1_fail(err, 0, "kvm guest: %s: a bad route line", KVM_NET_FILE);
    /* routes on the link first, as a gateway must be reachable when its route is added */
    if ((gw.s_addr != 0) != gateways)
        return 0;
    int prefix = atoi(f[3]);
    struct rtentry rt = { 0 };
    struct sockaddr_in *d = (struct sockaddr_in *) &rt.rt_dst, *g = (struct sockaddr_in *) &rt.rt_gateway,
                       *m = (struct sockaddr_in *) &rt.rt_genmask;
    d->sin_family = g->sin_family = m->sin_family = AF_INET;
    d->sin_addr = dest;
    g->sin_addr = gw;
    m->sin_addr.s_addr = mask_of(prefix);
    rt.rt_flags = RTF_UP | (gw.s_addr ? RTF_GATEWAY : 0) | (prefix == 32 ? RTF_HOST : 0);
    rt.rt_metric = (short) (atoi(f[5]) + 1); /* SIOCADDRT takes the metric plus one */
    rt.rt_dev = f[1];
    /* the route to the NIC's own subnet is there already */
    if (ioctl(sock, SIOCADDRT, &rt) < 0 && errno != EEXIST)
        return s1_fail(err, errno, "kvm guest: add the route to %s/%d via %s dev %s", f[2], prefix, f[4], f[1]);
    return 0;
}

/* Setting an address adds a route to its subnet on the link; CNI plugins that route even their
 * own subnet through the gateway (ptp) delete it, so it goes here too unless the pod had it. */
static int drop_connected_route(int sock, char *const f[6], FILE *file, struct s1_error *err)
{
    struct in_addr addr;
    int prefix = atoi(f[4]);
    if (inet_pton(AF_INET, f[3], &addr) != 1 || addr.s_addr == 0 || prefix <= 0 || prefix >= 32)
        return 0;
    struct in_addr subnet = { .s_addr = addr.s_addr & mask_of(prefix) };
    char want[96], line[256], dest[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &subnet, dest, sizeof dest);
    snprintf(want, sizeof want, "route %s %s %d 0.0.0.0 ", f[1], dest, prefix);
    long at = ftell(file);
    rewind(file);
    bool kept = false;
    while (!kept && fgets(line, sizeof line, file))
        kept = strncmp(line, want, strlen(want)) == 0;
    fseek(file, at, SEEK_SET);
    if (kept)
        return 0;
    struct rtentry rt = { 0 };
    struct sockaddr_in *d = (struct sockaddr_in *) &rt.rt_dst, *m = (struct sockaddr_in *) &rt.rt_genmask;
    d->sin_family = m->sin_family = AF_INET;
    d->sin_addr = subnet;
    m->sin_addr.s_addr = mask_of(prefix);
    rt.rt_flags = RTF_UP;
    rt.rt_dev = f[1];
    if (ioctl(sock, SIOCDELRT, &rt) < 0 && errno != ESRCH)
        return s1_fail(err, errno, "kvm guest: remove the route to %s/%d on %s", dest, prefix, f[1]);
    return 0;
}

int kvm_net_guest(const char *path, struct s1_error *err)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? 0 : s1_fail(err, errno, "kvm guest: open %s", path);
    cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        fclose(f);
        return s1_fail(err, errno, "socket");
    }
    char line[256];
    int rc = 0;
    for (int pass = 0; pass < 3 && rc == 0; pass++) {
        rewind(f);
        while (rc == 0 && fgets(line, sizeof line, f)) {
            char *fields[6] = { 0 }, *save = NULL;
            int n = 0;
            for (char *t = strtok_r(line, " \n", &save); t && n < 6; t = strtok_r(NULL, " \n", &save))
                fields[n++] = t;
            if (n != 6)
                rc = s1_fail(err, 0, "kvm guest: %s: a line of %d fields", path, n);
            else if (pass == 0 && strcmp(fields[0], "nic") == 0)
                rc = configure_nic(sock, fields, err) < 0 ? -1 : drop_connected_route(sock, fields, f, err);
            else if (pass > 0 && strcmp(fields[0], "route") == 0)
                rc = add_route(sock, fields, pass == 2, err);
        }
    }
    fclose(f);
    return rc;
}
