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

/* enter frames: a type byte, a 4-byte big-endian length, the data. The host sends one request
 * (APP NUL ARG0 NUL ARG1 ...), then its stdin (an empty frame at EOF); the guest sends the
 * command's stdout and stderr and finally its exit status (decimal). */
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

/* The guest's enter and control agent (enter.c). */
__attribute__((noreturn)) void kvm_agent(struct plan *plan, int control_fd, int enter_fd, pid_t supervisor);

#endif
