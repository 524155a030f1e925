package dev.veriproof.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs the offline template validator (infrastructure/tools/validate-template.mjs) on the real
 * template, and on broken copies to show that it really fails a bad template.
 */
class TemplateValidationTest {

    private static final Path TEMPLATE = CloudFormationTemplate.locate();
    private static final Path ROOT = TEMPLATE.getParent();

    @Test
    void theTemplateIsValid() throws Exception {
        Result result = validate(TEMPLATE);
        assertEquals(0, result.exitCode(), result.output());
    }

    /**
     * Each row breaks the template in one way and names the finding expected for it. The validator
     * does not run the SAM transform, so the breakages are in what it checks: CloudFormation
     * resource schemas and references (a typo in a SAM function's own properties goes unnoticed).
     */
    @ParameterizedTest(name = "{3}")
    @CsvSource(delimiter = '|', textBlock = """
            '      BillingMode: PAY_PER_REQUEST' | '      BillingMode: PAY_PER_REQUEST\\n      Colour: blue' | F3002 | unknown table property
            '!GetAtt SessionsTable.Arn'         | '!GetAtt SesionsTable.Arn'                                 | F1020 | GetAtt of a missing resource
            'StreamViewType: NEW_AND_OLD_IMAGES' | 'StreamViewType: NEW_IMAGES_PLEASE'                        | W3030 | invalid enum value, a warning
            '!Ref AuthorizerFunction.Alias'     | '!Ref AuthoriserFunction.Alias'                            | F1020 | alias of a missing function
            """)
    void aBrokenTemplateFails(String original, String broken, String expectedRule, String breakage,
                              @TempDir Path dir) throws Exception {
        String template = Files.readString(TEMPLATE);
        assertTrue(template.contains(original), "template.yaml no longer contains " + original);
        Path copy = Files.writeString(dir.resolve("template.yaml"), template.replace(original, broken.replace("\\n", "\n")));

        Result result = validate(copy);

        assertNotEquals(0, result.exitCode(), breakage + " passed validation:\n" + result.output());
        assertTrue(result.output().contains(expectedRule), "expected " + expectedRule + " in\n" + result.output());
    }

    private record Result(int exitCode, String output) {}

    private static Result validate(Path template) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("node", "infrastructure/tools/validate-template.mjs", template.toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the validator did not finish:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }
}
