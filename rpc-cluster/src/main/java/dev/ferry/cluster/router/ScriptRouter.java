package dev.ferry.cluster.router;

import dev.ferry.api.Invocation;
import dev.ferry.api.Invoker;
import dev.ferry.api.spi.Extension;
import dev.ferry.api.spi.Router;
import dev.ferry.api.spi.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.script.Bindings;
import javax.script.Compilable;
import javax.script.CompiledScript;
import javax.script.ScriptEngine;
import javax.script.ScriptEngineManager;
import javax.script.ScriptException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Dubbo's script router on JSR-223: a script sees {@code invokers} (a list of the instances
 * still allowed, each with {@code endpoint()}), {@code invocation} ({@code methodName()},
 * {@code arguments()}, {@code attachments()}, {@code serviceKey()}) and evaluates to the
 * instances to keep, as an array or a list. Instances the script returns that were not offered
 * are ignored.
 *
 * <pre>{@code
 * router.setRule("javascript",
 *     "var kept = []; for (var i = 0; i < invokers.size(); i++) {"
 *   + "  if (invokers.get(i).endpoint().port() % 2 == 0) kept.push(invokers.get(i)); }"
 *   + "kept;");
 * }</pre>
 *
 * <p>The JDK ships no script engine since Java 15: add one (for JavaScript,
 * {@code org.openjdk.nashorn:nashorn-core}). Without it, {@link #setRule} fails with an error
 * saying so. A script that does not compile is refused with its line and column and the previous
 * one stays. A script that fails while routing a call is logged and keeps every instance, as in
 * Dubbo. Scripts are code: only operators should be able to set them. Evaluations are
 * serialised, since engines such as Nashorn are not thread-safe.
 */
@Extension(value = "script", order = 300, activeOn = Side.CONSUMER)
public final class ScriptRouter implements Router {

    /** The engine a rule uses when it names none. */
    public static final String DEFAULT_ENGINE = "javascript";

    private static final Logger log = LoggerFactory.getLogger(ScriptRouter.class);

    private final ClassLoader engineLoader;
    private volatile Rule rule;

    /** Finds engines with this class's loader. */
    public ScriptRouter() {
        this(ScriptRouter.class.getClassLoader());
    }

    /** Finds engines with {@code engineLoader}. */
    public ScriptRouter(ClassLoader engineLoader) {
        this.engineLoader = engineLoader;
    }

    /** Sets a JavaScript rule; see {@link #setRule(String, String)}. */
    public void setRule(String script) {
        setRule(DEFAULT_ENGINE, script);
    }

    /**
     * Makes {@code script}, in the language of the engine named {@code engine}, the rule.
     *
     * @throws IllegalStateException when no engine of that name is on the class path
     * @throws RuleSyntaxException   when the script does not compile; the previous rule stays
     */
    public synchronized void setRule(String engine, String script) {
        Objects.requireNonNull(engine, "engine");
        if (script == null || script.isBlank()) {
            throw new RuleSyntaxException("the script is empty", 0, 0, null);
        }
        if (script.length() > ConditionRule.MAX_LENGTH) {
            throw new RuleSyntaxException("the script is longer than " + ConditionRule.MAX_LENGTH + " characters", 0, 0, null);
        }
        ScriptEngine e = rule != null && rule.engineName.equals(engine) ? rule.engine
                : new ScriptEngineManager(engineLoader).getEngineByName(engine);
        if (e == null) {
            throw new IllegalStateException("no JSR-223 script engine named '" + engine + "' is on the class path, so the"
                    + " script rule cannot load (the JDK has shipped none since Java 15; for JavaScript add"
                    + " org.openjdk.nashorn:nashorn-core)");
        }
        CompiledScript compiled = null;
        if (e instanceof Compilable c) {
            try {
                compiled = c.compile(script);
            } catch (ScriptException x) {
                throw new RuleSyntaxException("the script does not compile: " + x.getMessage(),
                        Math.max(0, x.getLineNumber()), Math.max(0, x.getColumnNumber() + 1), x);
            }
        }
        rule = new Rule(engine, e, script, compiled);
        log.info("script rule set ({} characters, engine {})", script.length(), engine);
    }

    /** Removes the rule; every instance is kept again. */
    public synchronized void removeRule() {
        rule = null;
    }

    /** The script in force, or null. */
    public String rule() {
        Rule r = rule;
        return r == null ? null : r.script;
    }

    @Override
    public List<Invoker> route(List<Invoker> invokers, Invocation invocation) {
        Rule r = rule;
        if (r == null || invokers.isEmpty()) {
            return invokers;
        }
        Object out;
        try {
            synchronized (r) {
                Bindings b = r.engine.createBindings();
                b.put("invokers", new ArrayList<>(invokers));
                b.put("invocation", invocation);
                out = r.compiled != null ? r.compiled.eval(b) : r.engine.eval(r.script, b);
            }
        } catch (ScriptException | RuntimeException e) {
            log.warn("script rule failed on {}#{}; keeping every instance: {}", invocation.serviceKey(),
                    invocation.methodName(), e.toString());
            return invokers;
        }
        Collection<?> chosen = asCollection(out);
        if (chosen == null) {
            log.warn("script rule returned {} for {}#{}, not instances; keeping every instance",
                    out == null ? "nothing" : out.getClass().getName(), invocation.serviceKey(), invocation.methodName());
            return invokers;
        }
        Set<Object> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        keep.addAll(chosen);
        List<Invoker> kept = new ArrayList<>(invokers.size());
        for (Invoker i : invokers) {
            if (keep.contains(i)) {
                kept.add(i);
            }
        }
        return kept.size() == invokers.size() ? invokers : kept;
    }

    private static Collection<?> asCollection(Object out) {
        if (out instanceof Object[] array) {
            return Arrays.asList(array);
        }
        if (out instanceof Collection<?> c) {
            return c;
        }
        // Script engines hand back their own arrays as maps from index to element (Nashorn does).
        if (out instanceof Map<?, ?> m) {
            return m.values();
        }
        return null;
    }

    private record Rule(String engineName, ScriptEngine engine, String script, CompiledScript compiled) {
    }
}
