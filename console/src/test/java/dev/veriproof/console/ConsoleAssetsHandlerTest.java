package dev.veriproof.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The console's files as the HTTP API's console routes serve them, from the files Vite built into the jar. */
class ConsoleAssetsHandlerTest {
    private final ConsoleAssetsHandler handler = new ConsoleAssetsHandler();

    private APIGatewayV2HTTPResponse get(String rawPath) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRawPath(rawPath);
        return handler.handleRequest(event, null);
    }

    @Test
    void servesThePageAtTheConsolePathAndItsHashedAssetsForAYear() {
        APIGatewayV2HTTPResponse page = get("/console/");
        assertEquals(200, page.getStatusCode());
        assertEquals("text/html; charset=utf-8", page.getHeaders().get("Content-Type"));
        assertEquals("no-cache", page.getHeaders().get("Cache-Control"));
        assertTrue(page.getBody().contains("VeriProof Compliance Center"), page.getBody());
        assertFalse(page.getIsBase64Encoded());

        Matcher script = Pattern.compile("src=\"(/console/assets/[^\"]+\\.js)\"").matcher(page.getBody());
        assertTrue(script.find(), "the page loads its script from this origin: " + page.getBody());
        APIGatewayV2HTTPResponse js = get(script.group(1));
        assertEquals(200, js.getStatusCode());
        assertEquals("text/javascript; charset=utf-8", js.getHeaders().get("Content-Type"));
        assertEquals("public, max-age=31536000, immutable", js.getHeaders().get("Cache-Control"));
        assertTrue(js.getBody().length() > 10_000);

        assertEquals(page.getBody(), get("/console/index.html").getBody());
    }

    @Test
    void everyAnswerForbidsFramingSniffingAndForeignScriptsAndConnections() {
        for (String path : new String[] {"/console/", "/console", "/console/nothing.js"}) {
            var headers = get(path).getHeaders();
            assertEquals(ConsoleAssetsHandler.CONTENT_SECURITY_POLICY, headers.get("Content-Security-Policy"), path);
            assertTrue(headers.get("Content-Security-Policy").contains("connect-src 'self'"));
            assertTrue(headers.get("Content-Security-Policy").contains("frame-ancestors 'none'"));
            assertEquals("nosniff", headers.get("X-Content-Type-Options"), path);
            assertEquals("no-referrer", headers.get("Referrer-Policy"), path);
        }
    }

    @Test
    void theBarePathRedirectsToTheConsoleWithItsSlash() {
        APIGatewayV2HTTPResponse response = get("/console");
        assertEquals(301, response.getStatusCode());
        assertEquals("/console/", response.getHeaders().get("Location"));
    }

    @Test
    void unknownFilesAndPathsOutsideTheBuildAre404() {
        for (String path : new String[] {"/console/nothing.js", "/console/../pom.xml", "/console/assets/../../dev/veriproof/console/ConsoleAssetsHandler.class",
                "/console/.vite/manifest.json", "/console/assets//x.js", "/console/%2e%2e/secret", "/elsewhere", "/console/dev/veriproof/console/ConsoleAssetsHandler.class"}) {
            APIGatewayV2HTTPResponse response = get(path);
            assertEquals(404, response.getStatusCode(), path);
            assertEquals("text/plain; charset=utf-8", response.getHeaders().get("Content-Type"), path);
        }
    }
}
