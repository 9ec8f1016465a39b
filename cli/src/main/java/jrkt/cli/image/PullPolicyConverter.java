package jrkt.cli.image;

import java.util.Locale;
import jrkt.core.image.fetch.Fetcher;
import picocli.CommandLine;

/** --pull-policy=new|update|never. */
public final class PullPolicyConverter implements CommandLine.ITypeConverter<Fetcher.PullPolicy> {
    @Override public Fetcher.PullPolicy convert(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "new" -> Fetcher.PullPolicy.NEW;
            case "update" -> Fetcher.PullPolicy.UPDATE;
            case "never" -> Fetcher.PullPolicy.NEVER;
            default -> throw new CommandLine.TypeConversionException("--pull-policy=" + value + ": expected new, update or never");
        };
    }
}
