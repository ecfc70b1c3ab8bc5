package dev.ferry.cluster.router;

import dev.ferry.api.CallOptions;
import dev.ferry.api.Endpoint;
import dev.ferry.api.Invoker;
import dev.ferry.cluster.FakeInvoker;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The script router on Nashorn (a test dependency), and without any engine. */
class ScriptRouterTest {

    private final Invoker even = new FakeInvoker(new Endpoint("dubbo", "h1", 20880));
    private final Invoker odd = new FakeInvoker(new Endpoint("dubbo", "h2", 20881));
    private final List<Invoker> both = List.of(even, odd);

    private static final String EVEN_PORTS = """
            var kept = [];
            for (var i = 0; i < invokers.size(); i++) {
              if (invokers.get(i).endpoint().port() % 2 == 0) kept.push(invokers.get(i));
            }
            kept;
            """;

    @Test
    void aScriptChoosesInstancesFromTheCall() {
        ScriptRouter r = new ScriptRouter();
        r.setRule(EVEN_PORTS);
        assertEquals(List.of(even), r.route(both, FakeInvoker.call("get", CallOptions.DEFAULT)));
        r.setRule("javascript", "invocation.methodName() == 'save' ? [] : invokers");
        assertEquals(List.of(), r.route(both, FakeInvoker.call("save", CallOptions.DEFAULT)));
        assertEquals(both, r.route(both, FakeInvoker.call("get", CallOptions.DEFAULT)));
        r.setRule("invocation.arguments()[0] == 'odd' ? Java.to([invokers.get(1)], 'java.lang.Object[]') : invokers");
        assertEquals(List.of(odd), r.route(both, FakeInvoker.call("get", CallOptions.DEFAULT, "odd")));
        r.removeRule();
        assertNull(r.rule());
        assertSame(both, r.route(both, FakeInvoker.call("get", CallOptions.DEFAULT)));
    }

    @Test
    void instancesNotOfferedAreIgnored() {
        ScriptRouter r = new ScriptRouter();
        r.setRule("[invokers.get(0), 'a string', 42, null]");
        assertEquals(List.of(even), r.route(both, FakeInvoker.call("get", CallOptions.DEFAULT)));
    }

    @Test
    void aScriptThatDoesNotCompileIsRefusedWithItsPositionAndThePreviousStays() {
        ScriptRouter r = new ScriptRouter();
        r.setRule(EVEN_PORTS);
        RuleSyntaxException e = assertThrows(RuleSyntaxException.class, () -> r.setRule("var ok = 1;\nvar = ;"));
        assertEquals(2, e.line(), e.getMessage());
        assertTrue(e.column() > 0, e.getMessage());
        assertEquals(EVEN_PORTS, r.rule());
        assertEquals(List.of(even), r.route(both, FakeInvoker.call("get", CallOptions.DEFAULT)));
        assertThrows(RuleSyntaxException.class, () -> r.setRule(" "));
        assertThrows(RuleSyntaxException.class, () -> r.setRule("x".repeat(ConditionRule.MAX_LENGTH + 1)));
    }

    @Test
    void aScriptFailingAtRuntimeKeepsEveryInstance() {
        ScriptRouter r = new ScriptRouter();
        r.setRule("throw new Error('boom')");
        assertSame(both, r.route(both, FakeInvoker.call("get", CallOptions.DEFAULT)));
        r.setRule("'not a list'");
        assertSame(both, r.route(both, FakeInvoker.call("get", CallOptions.DEFAULT)));
        r.setRule("undefined");
        assertSame(both, r.route(both, FakeInvoker.call("get", CallOptions.DEFAULT)));
    }

    @Test
    void withoutAnEngineTheRuleFailsToLoadClearly() {
        ScriptRouter noEngines = new ScriptRouter(new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> noEngines.setRule(EVEN_PORTS));
        assertTrue(e.getMessage().contains("no JSR-223 script engine named 'javascript'"), e.getMessage());
        assertTrue(e.getMessage().contains("nashorn-core"), e.getMessage());
        assertNull(noEngines.rule());
        IllegalStateException unknown = assertThrows(IllegalStateException.class, () -> new ScriptRouter().setRule("cobol", "MOVE 1 TO X."));
        assertTrue(unknown.getMessage().contains("'cobol'"));
    }
}
