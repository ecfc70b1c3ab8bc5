/**
 * Java native serialization ({@code java}, id 3), in Apache Dubbo's format: opt-in per service,
 * and even then read only through the class allowlist.
 */
package dev.ferry.serialization.java;
