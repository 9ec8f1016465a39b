package jrkt.core.image.aci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantityTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "100     | 100",
            "+7      | 7",
            "500m    | 0.5",
            "250m    | 0.25",
            "0.3     | 0.3",
            ".5      | 0.5",
            "1       | 1",
            "1k      | 1000",
            "1K      | 1000",
            "512M    | 512000000",
            "2G      | 2000000000",
            "1E      | 1000000000000000000",
            "1Ki     | 1024",
            "1Gi     | 1073741824",
            "123Mi   | 128974848",
            "125952Ki| 128974848",
            "128974848 | 128974848",
            "1e3     | 1000",
            "15E-1   | 1.5",
            "100n    | 0.0000001",
    })
    void parsesToBaseUnits(String text, String expected) {
        assertEquals(0, new BigDecimal(expected).compareTo(Quantity.parse(text)), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''     | is empty",
            "-1     | must not be negative",
            "G      | must start with a number",
            ".      | must start with a number",
            "1X     | unknown suffix \"X\"",
            "1 G    | unknown suffix \" G\"",
            "1Gb    | unknown suffix \"Gb\"",
            "1e     | unknown suffix \"e\"",
            "1ki    | unknown suffix \"ki\"",
    })
    void rejectsMalformedQuantities(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantity.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
