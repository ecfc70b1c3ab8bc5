package dev.ferry.core;

import dev.ferry.api.RpcService;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** Service interfaces and implementations the core tests call. */
public final class TestServices {

    private TestServices() {
    }

    public interface Greeter {
        String hello(String name);

        CompletableFuture<String> helloAsync(String name);

        int add(int a, int b);

        void fail(String message) throws GreetingException;

        User find(long id);

        List<User> list(int count);

        void nothing();
    }

    @RpcService
    public static final class GreeterImpl implements Greeter {
        @Override
        public String hello(String name) {
            return "hello " + name;
        }

        @Override
        public CompletableFuture<String> helloAsync(String name) {
            return CompletableFuture.supplyAsync(() -> "async hello " + name);
        }

        @Override
        public int add(int a, int b) {
            return a + b;
        }

        @Override
        public void fail(String message) throws GreetingException {
            throw new GreetingException(message);
        }

        @Override
        public User find(long id) {
            return id < 0 ? null : new User(id, "user" + id);
        }

        @Override
        public List<User> list(int count) {
            return java.util.stream.LongStream.range(0, count).mapToObj(i -> new User(i, "user" + i)).toList();
        }

        @Override
        public void nothing() {
        }
    }

    public static class GreetingException extends Exception {
        public GreetingException(String message) {
            super(message);
        }
    }

    public static class User implements Serializable {
        private long id;
        private String name;

        public User() {
        }

        public User(long id, String name) {
            this.id = id;
            this.name = name;
        }

        public long getId() {
            return id;
        }

        public String getName() {
            return name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof User u && u.id == id && Objects.equals(u.name, name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(id, name);
        }

        @Override
        public String toString() {
            return "User{" + id + ", " + name + "}";
        }
    }
}
