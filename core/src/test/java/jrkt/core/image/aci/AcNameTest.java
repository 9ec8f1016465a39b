package jrkt.core.image.aci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcNameTest {

    @ParameterizedTest(name = "\"{0}\" identifier={1} name={2}")
    @CsvSource(delimiter = '|', value = {
            // examples from appc spec/types.md
            "database                                    | true  | true",
            "example.com/database                        | true  | false",
            "example.com/~user/app_v1                    | true  | false",
            "sub-domain.example.com/org/product/release  | true  | false",
            "product-database-release                    | true  | true",
            "a                                           | true  | true",
            "0                                           | true  | true",
            "a-b-c1                                      | true  | true",
            "a_b                                         | true  | false",
            "a~b                                         | true  | false",
            // appc's Go validator (and the ~user example above) allow runs of separators inside
            "a--b                                        | true  | true",
            "a//b                                        | true  | false",
            "a.-b                                        | true  | false",
            // both must start and end alphanumeric
            "''                                          | false | false",
            "-a                                          | false | false",
            "a-                                          | false | false",
            "/a                                          | false | false",
            "a/                                          | false | false",
            ".                                           | false | false",
            "~                                           | false | false",
            "a-~                                         | false | false",
            // lowercase ASCII only
            "Database                                    | false | false",
            "a b                                         | false | false",
            "a:b                                         | false | false",
            "a+b                                         | false | false",
            "é                                           | false | false",
    })
    void matchesTheAppcRegexes(String s, boolean identifier, boolean name) {
        assertEquals(identifier, AcName.isIdentifier(s), "isIdentifier");
        assertEquals(name, AcName.isName(s), "isName");
    }
}
