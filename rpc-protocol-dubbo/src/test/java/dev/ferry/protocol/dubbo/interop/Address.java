package dev.ferry.protocol.dubbo.interop;

import java.io.Serializable;
import java.util.Objects;

/** A POJO nested in {@link Member}. */
public class Address implements Serializable {
    private static final long serialVersionUID = 1L;

    private String city;
    private int zip;

    public Address() {
    }

    public Address(String city, int zip) {
        this.city = city;
        this.zip = zip;
    }

    public String getCity() {
        return city;
    }

    public void setCity(String city) {
        this.city = city;
    }

    public int getZip() {
        return zip;
    }

    public void setZip(int zip) {
        this.zip = zip;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Address a && a.zip == zip && Objects.equals(a.city, city);
    }

    @Override
    public int hashCode() {
        return Objects.hash(city, zip);
    }

    @Override
    public String toString() {
        return "Address{" + city + ", " + zip + "}";
    }
}
