package dev.ferry.protocol.dubbo.interop;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A POJO with a nested POJO and a list, as business objects tend to be. */
public class Member implements Serializable {
    private static final long serialVersionUID = 1L;

    private String name;
    private int age;
    private List<String> roles = new ArrayList<>();
    private Address home;

    public Member() {
    }

    public Member(String name, int age, List<String> roles, Address home) {
        this.name = name;
        this.age = age;
        this.roles = roles == null ? null : new ArrayList<>(roles);
        this.home = home;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public int getAge() {
        return age;
    }

    public void setAge(int age) {
        this.age = age;
    }

    public List<String> getRoles() {
        return roles;
    }

    public void setRoles(List<String> roles) {
        this.roles = roles;
    }

    public Address getHome() {
        return home;
    }

    public void setHome(Address home) {
        this.home = home;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Member m && m.age == age && Objects.equals(m.name, name) && Objects.equals(m.roles, roles)
                && Objects.equals(m.home, home);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, age, roles, home);
    }

    @Override
    public String toString() {
        return "Member{" + name + ", " + age + ", " + roles + ", " + home + "}";
    }
}
