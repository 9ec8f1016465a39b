package jrkt.sys;

import java.io.FileInputStream;

/**
 * Run by {@link LinuxTest} as its own JVM: becomes multithreaded, opens fds, then execve's
 * a shell, in the inherited file's directory, that reports what it inherited. Arguments: inheritedPath privatePath
 * [program [argument...]]: with a program, execve's that instead, right away.
 */
public final class ExecveChild {
    public static void main(String[] args) throws Exception {
        Linux linux = Linux.get();
        for (int i = 0; i < 4; i++) {
            Thread busy = new Thread(() -> {
                while (true) {
                    try { Thread.sleep(10); } catch (InterruptedException e) { return; }
                }
            });
            busy.setDaemon(true);
            busy.start();
        }
        if (args.length > 2) {
            try {
                linux.execve(args[2], java.util.Arrays.copyOfRange(args, 2, args.length), new String[0]);
            } catch (SysException e) {
                System.out.println("failed: " + e.getMessage());
                return;
            }
        }
        int inherited = linux.open(args[0], Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
        linux.clearCloexec(inherited);
        int closedOnExec = linux.open(args[1], Linux.O_RDONLY | Linux.O_CLOEXEC, 0);
        // an fd the JVM opens itself, without O_CLOEXEC: it must not leak into the new program
        FileInputStream jvmStream = new FileInputStream(args[1]);
        System.out.println("java pid " + linux.getpid() + " fds " + inherited + " " + closedOnExec + " " + jvmStream.getFD().valid());
        System.out.flush();
        linux.chdir(java.nio.file.Path.of(args[0]).getParent().toString());
        linux.execve("/bin/sh", new String[] {"sh", "-c",
            "echo \"shell pid $$\"; grep SigBlk /proc/self/status; ls -l /proc/$$/fd; echo \"cwd $(/bin/pwd)\"; echo \"$GREETING\""},
            new String[] {"GREETING=hello from execve", "PATH=/usr/bin:/bin"});
    }
}
