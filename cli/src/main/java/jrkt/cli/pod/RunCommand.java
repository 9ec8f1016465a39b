package jrkt.cli.pod;

import java.io.IOException;
import jrkt.core.JrktException;
import jrkt.core.pod.prepare.PodPreparer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jrkt run}: prepares a pod and starts it. On success this process becomes stage1
 * (execve), so jrkt's exit status is the pod's.
 */
@Command(name = "run", customSynopsis = "jrkt run [POD-FLAGS] IMAGE [APP-FLAGS] [-- ARGS... ---] [IMAGE [APP-FLAGS] ...]%n", description = {
        "Prepare a pod from images and run it; exits with the pod's exit status.",
        "Pod flags come before the first image; each app's flags follow its image, e.g.",
        "  jrkt run --net=host IMG1 --exec=/bin/echo -- hello --- IMG2 --name=two"})
public final class RunCommand extends PreparingCommand {
    @Option(names = "--detach", description = "return once every app has started, printing the pod's UUID; the apps' output goes to 'jrkt logs'")
    boolean detach;

    @Option(names = "--interactive", description = "give the (single) app this terminal as stdin and /dev/console")
    boolean interactive;

    @Override boolean interactive() { return interactive; }

    @Override boolean startsAtOnce() { return true; }

    @Override public Integer call() throws IOException {
        PodPreparer.Prepared prepared = prepareAndTell();
        String uuid = prepared.uuid();
        if (jrkt().debug()) err().println("jrkt: debug: pod " + uuid + " prepared"); // its phases follow, before stage1 starts
        try {
            return RunPreparedCommand.start(jrkt(), out(), uuid, detach, prepared.stage1Annotations());
        } catch (JrktException e) {
            // This run made the pod and could not start it (its networks failed, say): it is of no use to anyone.
            removeAfterFailure(uuid, e);
            throw e;
        }
    }
}
