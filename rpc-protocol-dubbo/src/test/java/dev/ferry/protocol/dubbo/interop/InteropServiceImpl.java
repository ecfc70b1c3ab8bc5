package dev.ferry.protocol.dubbo.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The implementation both peers serve. Reading attachments is the one thing that depends on
 * the framework, so each side supplies {@link #attachment} its own way.
 */
public abstract class InteropServiceImpl implements InteropService {

    final BlockingQueue<String> records = new LinkedBlockingQueue<>();

    @Override
    public int add(int a, int b) {
        return a + b;
    }

    @Override
    public long negate(long value) {
        return -value;
    }

    @Override
    public double half(double value) {
        return value / 2;
    }

    @Override
    public boolean not(boolean value) {
        return !value;
    }

    @Override
    public char upper(char c) {
        return Character.toUpperCase(c);
    }

    @Override
    public byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    @Override
    public String echo(String s) {
        return s;
    }

    @Override
    public Member older(Member member) {
        return member == null ? null
                : new Member(member.getName(), member.getAge() + 1, member.getRoles(), member.getHome());
    }

    @Override
    public List<Member> team(int size) {
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            out.add(new Member("m" + i, 20 + i, List.of("r" + i), new Address("city" + i, 1000 + i)));
        }
        return out;
    }

    @Override
    public Map<String, Integer> lengths(List<String> words) {
        Map<String, Integer> out = new LinkedHashMap<>();
        words.forEach(w -> out.put(w, w.length()));
        return out;
    }

    @Override
    public Map<String, Member> byName(List<Member> members) {
        Map<String, Member> out = new LinkedHashMap<>();
        members.forEach(m -> out.put(m.getName(), m));
        return out;
    }

    @Override
    public String nothing() {
        return null;
    }

    @Override
    public void fail(String message) throws InteropException {
        throw new InteropException(message);
    }

    @Override
    public CompletableFuture<String> later(String s) {
        return CompletableFuture.supplyAsync(() -> "later " + s,
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
    }

    @Override
    public void record(String note) {
        records.add(note);
    }
}
