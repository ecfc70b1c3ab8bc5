package dev.ferry.registry.config;

import dev.ferry.api.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstanceOverrideTest {

    private static final Endpoint EP = new Endpoint("dubbo", "10.0.0.7", 20880, Map.of("tag", "gray"));

    @Test
    void weightReplacesTheRegisteredOne() {
        Endpoint withWeight = EP.withParameter(Endpoint.WEIGHT, "100");
        assertEquals(Optional.of(EP.withParameter(Endpoint.WEIGHT, "7")), InstanceOverride.weight(7).applyTo(withWeight));
        assertEquals(Optional.of(EP.withParameter(Endpoint.WEIGHT, "0")), InstanceOverride.weight(0).applyTo(EP));
    }

    @Test
    void disabledRemovesTheInstance() {
        assertEquals(Optional.empty(), InstanceOverride.disable().applyTo(EP));
        assertEquals(Optional.of(EP), new InstanceOverride(OptionalInt.empty(), false).applyTo(EP));
    }

    @Test
    void storedFormRoundTrips() {
        for (InstanceOverride o : new InstanceOverride[]{InstanceOverride.weight(20), InstanceOverride.disable(),
                new InstanceOverride(OptionalInt.of(5), true), new InstanceOverride(OptionalInt.empty(), false)}) {
            assertEquals(o, InstanceOverride.parse(o.encode()));
        }
    }

    @Test
    void commentsBlankLinesAndSpacesAreAllowed() {
        String text = "# set by ops\n\n  weight = 30 \r\n disabled=false\n";
        assertEquals(InstanceOverride.weight(30), InstanceOverride.parse(text.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n\n", "# only a comment", "weight", "=3", "weight=", "weight=-1", "weight=1000001",
            "weight=99999999999999999999", "weight=1.5", "weight=0x10", "weight=１２", "disabled=yes", "disabled=TRUE",
            "colour=blue", "weight=1\nweight=2", "disabled=true\ndisabled=true", "\u0000\u0001\u0002"})
    void malformedOverridesAreRefusedWithAReason(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InstanceOverride.parse(text.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void hugeAndBinaryDataIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> InstanceOverride.parse(new byte[InstanceOverride.MAX_TEXT_BYTES + 1]));
        assertThrows(IllegalArgumentException.class, () -> InstanceOverride.parse(new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1}));
    }

    @Test
    void outOfRangeWeightsAreRefusedWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> InstanceOverride.weight(-1));
        assertThrows(IllegalArgumentException.class, () -> InstanceOverride.weight(InstanceOverride.MAX_WEIGHT + 1));
    }
}
