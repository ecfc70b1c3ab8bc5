package dev.ferry.protocol.dubbo;

import java.io.Serializable;
import java.util.Objects;

/** A POJO argument for the end-to-end tests. */
public class Person implements Serializable {
    private static final long serialVersionUID = 1L;

    private String name;
    private int age;

    public Person() {
    }

    public Person(String name, int age) {
        this.name = name;
        this.age = age;
    }

    public String getName() {
        return name;
    }

    public int getAge() {
        return age;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Person p && p.age == age && Objects.equals(p.name, name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, age);
    }

    @Override
    public String toString() {
        return "Person{" + name + ", " + age + "}";
    }
}
