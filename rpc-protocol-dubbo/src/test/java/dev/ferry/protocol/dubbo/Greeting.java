package dev.ferry.protocol.dubbo;

import java.io.Serializable;

/** A POJO result for the end-to-end tests. */
public class Greeting implements Serializable {
    private static final long serialVersionUID = 1L;

    private String text;
    private Person to;

    public Greeting() {
    }

    public Greeting(String text, Person to) {
        this.text = text;
        this.to = to;
    }

    public String getText() {
        return text;
    }

    public Person getTo() {
        return to;
    }
}
