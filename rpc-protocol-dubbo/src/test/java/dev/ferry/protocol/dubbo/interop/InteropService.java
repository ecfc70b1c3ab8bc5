package dev.ferry.protocol.dubbo.interop;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The service both peers serve and call in the interoperability tests. */
public interface InteropService {

    int add(int a, int b);

    long negate(long value);

    double half(double value);

    boolean not(boolean value);

    char upper(char c);

    byte[] reversed(byte[] bytes);

    /** Returns its argument, null included. */
    String echo(String s);

    /** The member one year older; null for null. */
    Member older(Member member);

    /** {@code size} members, named m0, m1, … */
    List<Member> team(int size);

    Map<String, Integer> lengths(List<String> words);

    Map<String, Member> byName(List<Member> members);

    String nothing();

    void fail(String message) throws InteropException;

    /** Completes a little later on another thread, holding no provider thread meanwhile. */
    CompletableFuture<String> later(String s);

    /** Remembers {@code note}; the tests call it oneway. */
    void record(String note);

    /**
     * The value of the request attachment {@code key}; the provider also sends back the
     * response attachment {@code "echo-" + key} with that value.
     */
    String attachment(String key);
}
