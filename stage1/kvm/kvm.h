/* The kvm flavor: a pod in a QEMU virtual machine (docs/flavors.md, "kvm").
 *
 * On the host, `run` (host.c) builds the apps' roots as the default flavor does (overlay, files,
 * volumes) in a mount namespace of QEMU's own, shares that tree with the VM over virtio-9p and
 * boots the VM. In the VM this same binary is the init (guest.c, entered as /kvm-guest): it adds
 * each app's /proc, /sys, /dev, masks and cgroups, and runs the plan's apps with the common code.
 * The two talk over virtio-serial ports, which QEMU connects to sockets on the host. */
#ifndef STAGE1_KVM_H
#define STAGE1_KVM_H

#include "../common/stage1.h"

#include <netinet/in.h>

/* virtio-serial port names */
#define KVM_PORT_CONTROL "control" /* guest -> host: status.c's messages, "booted", "exit N"; host -> guest: "term" */
#define KVM_PORT_STDOUT "stdout"   /* the apps' output without --detach */
#define KVM_PORT_STDERR "stderr"
#define KVM_PORT_LOG "log-"        /* log-N: app N's output with --detach, written by QEMU to logs/NAME.log */
#define KVM_PORT_ENTER "enter"     /* enter's frames (below) */

/* Below the pod directory: the enter socket QEMU listens on, and what the VM's console printed. */
#define KVM_DIR "kvm"
#define KVM_ENTER_SOCKET "kvm/enter.sock"
#define KVM_CONSOLE_LOG "kvm/console.log"

/* The 9p share of the pod's tree (the pod root tmpfs on the host), and where the guest mounts it. */
#define KVM_SHARE_TAG "pod"
#define KVM_GUEST_POD "/pod"
/* In the share: the plan and the pod files the guest reads (seccomp filters). */
#define KVM_SHARE_PLAN_DIR "kvm"

/* enter frames: a type byte, a 4-byte big-endian length, the data. The host says hello with a
 * nonce of its own and waits for the guest's ready with the same nonce; then it sends one request
 * (APP NUL ARG0 NUL ARG1 ...) and its stdin (an empty frame at EOF); the guest sends the command's
 * stdout and stderr and finally its exit status (decimal). The handshake is there because the
 * guest can read a new host's first bytes before its port reports the host connected (enter.c). */
#define FRAME_HELLO 'H'
#define FRAME_READY 'Y'
#define FRAME_REQUEST 'R'
#define FRAME_STDIN 'I'
#define FRAME_STDOUT 'O'
#define FRAME_STDERR 'E'
#define FRAME_EXIT 'X'
#define FRAME_MAX 65536

struct frame_reader {
    char buf[FRAME_MAX + 5];
    size_t len;
};
int frame_write(int fd, char type, const void *data, size_t len);
/* Reads what fd has into the reader; returns 0 at EOF, -1 on error, else bytes read. */
ssize_t frame_fill(struct frame_reader *r, int fd);
/* Takes the next complete frame out of the reader: returns 1 with type, data, len; 0 when none is complete. */
int frame_next(struct frame_reader *r, char *type, char *data, size_t *len);
/* The type of the next complete frame, left in the reader; 0 when none is complete. */
char frame_peek(const struct frame_reader *r);

/* The pod's network in the VM (net.c): each CNI interface of the pod's network namespace is
 * bridged to a tap device there, and the VM's NIC takes its address, MAC, MTU and routes. */
#define KVM_NET_FILE "net" /* in the share's kvm/: "nic NAME MAC ADDR PREFIX MTU", "route DEV DEST PREFIX GATEWAY METRIC" */
#define KVM_MAX_NICS 8
#define KVM_MAX_ROUTES 32
struct kvm_nic {
    char name[16];
    unsigned char mac[6];
    struct in_addr addr;
    int prefix, mtu;
    int tap_fd;
};
struct kvm_route {
    char dev[16];
    struct in_addr dest, gateway;
    int prefix, metric;
};
struct kvm_net {
    struct kvm_nic nics[KVM_MAX_NICS];
    size_t nnics;
    struct kvm_route routes[KVM_MAX_ROUTES];
    size_t nroutes;
};
/* On the host, in QEMU's process: joins the plan's network namespace and bridges its interfaces
 * to tap devices (nothing when the plan has no "net join"). */
int kvm_net_host(const struct plan *plan, int pod_fd, struct kvm_net *net, struct s1_error *err);
void kvm_net_qemu_args(const struct kvm_net *net, void (*arg)(void *, const char *), void *data);
int kvm_net_write(const struct kvm_net *net, int dir_fd, struct s1_error *err);
/* In the VM: configures the NICs the file at path names (nothing when it does not exist). */
int kvm_net_guest(const char *path, struct s1_error *err);

/* The guest's enter and control agent (enter.c). */
__attribute__((noreturn)) void kvm_agent(struct plan *plan, int control_fd, int enter_fd, pid_t supervisor);

#endif
