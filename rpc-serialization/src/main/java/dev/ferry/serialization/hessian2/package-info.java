/**
 * Hessian 2 ({@code hessian2}, id 2) on hessian-lite, wire-compatible with Apache Dubbo 3, with
 * the class allowlist enforced before any class named by the bytes is loaded.
 */
package dev.ferry.serialization.hessian2;
