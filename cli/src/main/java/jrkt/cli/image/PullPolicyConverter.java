package jrkt.cli.image;

import jrkt.core.image.fetch.Fetcher;
import picocli.CommandLine;

/** --pull-policy=new|update|never. */
public final class PullPolicyConverter implements CommandLine.ITypeConverter<Fetcher.PullPolicy> {
    @Override public Fetcher.PullPolicy convert(String value) {
        // equalsIgnoreCase, not toLowerCase(Locale.ROOT): every run converts the default, and the
        // first use of Locale sets up its two dozen constants
        if (value.equalsIgnoreCase("new")) return Fetcher.PullPolicy.NEW;
        if (value.equalsIgnoreCase("update")) return Fetcher.PullPolicy.UPDATE;
        if (value.equalsIgnoreCase("never")) return Fetcher.PullPolicy.NEVER;
        throw new CommandLine.TypeConversionException("--pull-policy=" + value + ": expected new, update or never");
    }
}
