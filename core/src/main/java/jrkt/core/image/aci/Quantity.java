package jrkt.core.image.aci;

import java.math.BigDecimal;

/**
 * Resource quantities of appc isolators ("500m", "1G", "512Mi", "0.5", "1e3"): a non-negative
 * decimal number with an optional suffix, as in the appc spec (ace.md, Resource Isolators) and
 * its Kubernetes-derived parser. Suffixes: binary Ki Mi Gi Ti Pi Ei; decimal n u m k (or K) M G T P E;
 * or a decimal exponent e3 / E-2.
 */
public final class Quantity {
    private Quantity() {}

    /** The quantity in base units (bytes, cores); throws IllegalArgumentException saying what is wrong. */
    public static BigDecimal parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("is empty");
        int pos = 0;
        if (text.charAt(0) == '+') pos++;
        if (pos < text.length() && text.charAt(pos) == '-') throw new IllegalArgumentException("must not be negative");
        int numberStart = pos;
        int digits = 0;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') { pos++; digits++; }
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') { pos++; digits++; }
        }
        if (digits == 0) throw new IllegalArgumentException("must start with a number");
        BigDecimal number = new BigDecimal(text.substring(numberStart, pos));
        String suffix = text.substring(pos);
        return number.multiply(multiplier(suffix));
    }

    private static BigDecimal multiplier(String suffix) {
        return switch (suffix) {
            case "" -> BigDecimal.ONE;
            case "Ki" -> BigDecimal.TWO.pow(10);
            case "Mi" -> BigDecimal.TWO.pow(20);
            case "Gi" -> BigDecimal.TWO.pow(30);
            case "Ti" -> BigDecimal.TWO.pow(40);
            case "Pi" -> BigDecimal.TWO.pow(50);
            case "Ei" -> BigDecimal.TWO.pow(60);
            case "n" -> BigDecimal.ONE.scaleByPowerOfTen(-9);
            case "u" -> BigDecimal.ONE.scaleByPowerOfTen(-6);
            case "m" -> BigDecimal.ONE.scaleByPowerOfTen(-3);
            case "k", "K" -> BigDecimal.ONE.scaleByPowerOfTen(3);
            case "M" -> BigDecimal.ONE.scaleByPowerOfTen(6);
            case "G" -> BigDecimal.ONE.scaleByPowerOfTen(9);
            case "T" -> BigDecimal.ONE.scaleByPowerOfTen(12);
            case "P" -> BigDecimal.ONE.scaleByPowerOfTen(15);
            case "E" -> BigDecimal.ONE.scaleByPowerOfTen(18);
            default -> {
                if (suffix.matches("[eE][+-]?[0-9]{1,3}")) {
                    yield BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1).replace("+", "")));
                }
                throw new IllegalArgumentException("has an unknown suffix \"" + suffix + "\"");
            }
        };
    }
}
