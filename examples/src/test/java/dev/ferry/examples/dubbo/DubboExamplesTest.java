package dev.ferry.examples.dubbo;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs both interoperability examples and checks what they print. */
@Timeout(60)
class DubboExamplesTest {

    @BeforeAll
    static void onLoopbackOnly() {
        // The build runs this class in its own surefire execution, started with the loopback hosts file.
        assumeTrue(System.getProperty("jdk.net.hosts.file") != null,
                "needs -Djdk.net.hosts.file naming ferry-loopback (the dubbo-examples execution sets it)");
    }

    @Test
    void ferryConsumerCallsApacheDubboProvider() throws Exception {
        List<String> out = FerryCallsDubbo.run();
        assertLine(out, "[ferry -> dubbo] quote:      DUBBO 33.30 EUR");
        assertLine(out, "[ferry -> dubbo] quotes:     [ACME 12.50 EUR, FERRY 42.00 EUR]");
        assertLine(out, "[ferry -> dubbo] async:      ACME 12.50 EUR");
        assertLine(out, "[ferry -> dubbo] exception:  UnknownSymbolException: no quote for NOPE");
        assertLine(out, "[ferry -> dubbo] generic:    {class=dev.ferry.examples.dubbo.Quote, currency=EUR, price=42.00, "
                + "symbol=FERRY}");
    }

    @Test
    void apacheDubboConsumerCallsFerryProvider() throws Exception {
        List<String> out = DubboCallsFerry.run();
        assertLine(out, "[dubbo -> ferry] quote:      FERRY 42.00 EUR");
        assertLine(out, "[dubbo -> ferry] quotes:     [ACME 12.50 EUR, DUBBO 33.30 EUR]");
        assertLine(out, "[dubbo -> ferry] async:      DUBBO 33.30 EUR");
        assertLine(out, "[dubbo -> ferry] exception:  UnknownSymbolException: no quote for NOPE");
        assertLine(out, "[dubbo -> ferry] $echo:      are you there?");
        assertLine(out, "[dubbo -> ferry] generic:    {class=dev.ferry.examples.dubbo.Quote, currency=EUR, price=12.50, "
                + "symbol=ACME}");
    }

    private static void assertLine(List<String> out, String line) {
        assertTrue(out.contains(line), () -> "missing line\n  " + line + "\nin\n  " + String.join("\n  ", out));
        assertEquals(1, out.stream().filter(line::equals).count());
    }
}
