package jrkt.cli.output;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The flags every listing command shares; add with {@code @Mixin ListingOptions listing;}. */
public final class ListingOptions {
    public enum Order { asc, desc }

    public enum Format {
        TABLE("table"), JSON("json"), JSON_PRETTY("json-pretty");

        final String flagValue;

        Format(String flagValue) { this.flagValue = flagValue; }

        /** Accepts the names users type (json-pretty, not JSON_PRETTY). */
        public static final class Converter implements CommandLine.ITypeConverter<Format> {
            @Override public Format convert(String value) {
                for (Format f : values()) if (f.flagValue.equals(value)) return f;
                throw new CommandLine.TypeConversionException("unknown format '" + value + "'; valid: table, json, json-pretty");
            }
        }

        public static final class Names extends java.util.ArrayList<String> {
            public Names() { super(List.of("table", "json", "json-pretty")); }
        }
    }

    @Option(names = "--no-legend", description = "do not print the header line")
    boolean noLegend;

    @Option(names = "--full", description = "print full IDs instead of their short form")
    boolean full;

    @Option(names = "--fields", split = ",", paramLabel = "FIELD[,FIELD...]",
            description = "the columns to print, in this order")
    List<String> fields;

    @Option(names = "--sort", paramLabel = "FIELD", description = "sort the rows by this field")
    String sort;

    @Option(names = "--order", paramLabel = "asc|desc", description = "sort order: ${COMPLETION-CANDIDATES} (default: asc)")
    Order order;

    @Option(names = "--format", paramLabel = "FORMAT", converter = Format.Converter.class,
            completionCandidates = Format.Names.class,
            description = "output format: ${COMPLETION-CANDIDATES} (default: table)")
    Format format;

    public boolean noLegend() { return noLegend; }
    public boolean full() { return full; }
    public List<String> fields() { return fields == null ? List.of() : fields; }
    public String sort() { return sort; }
    public Order order() { return order == null ? Order.asc : order; }
    public Format format() { return format == null ? Format.TABLE : format; }
}
