package dev.quorate.lock.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds public API that mentions implementation types: every public or protected member of a public
 * class in an API package must use only types from outside {@code .internal} packages.
 */
public final class ApiSurface {
  private ApiSurface() {}

  /**
   * Lists the leaks in the compiled classes of the given API packages.
   *
   * @param classes the module's class output directory, e.g. {@code target/classes}
   * @param packages API package names, e.g. {@code dev.quorate.lock}
   * @return one line per leak, empty when the API is clean
   */
  public static List<String> leaks(Path classes, String... packages) {
    List<String> leaks = new ArrayList<>();
    for (String pkg : packages) {
      Path dir = classes.resolve(pkg.replace('.', '/'));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
          String name = file.getFileName().toString().replace(".class", "");
          Class<?> type = load(pkg + "." + name);
          if (Modifier.isPublic(type.getModifiers()) && isVisibleFromOutside(type)) {
            check(type, leaks);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return leaks;
  }

  private static boolean isVisibleFromOutside(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static void check(Class<?> type, List<String> leaks) {
    mention(type, "extends", type.getGenericSuperclass(), leaks);
    for (Type iface : type.getGenericInterfaces()) {
      mention(type, "implements", iface, leaks);
    }
    for (Field field : type.getDeclaredFields()) {
      if (visible(field)) {
        mention(type, field.getName(), field.getGenericType(), leaks);
      }
    }
    List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
    executables.addAll(List.of(type.getDeclaredConstructors()));
    for (Executable executable : executables) {
      if (!visible(executable) || executable.isSynthetic()) {
        continue;
      }
      if (executable instanceof java.lang.reflect.Method method) {
        mention(type, method.getName(), method.getGenericReturnType(), leaks);
      }
      for (Type parameter : executable.getGenericParameterTypes()) {
        mention(type, executable.getName(), parameter, leaks);
      }
      for (Type thrown : executable.getGenericExceptionTypes()) {
        mention(type, executable.getName(), thrown, leaks);
      }
    }
  }

  private static boolean visible(Member member) {
    int modifiers = member.getModifiers();
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void mention(Class<?> owner, String where, Type type, List<String> leaks) {
    if (type == null) {
      return;
    }
    if (type instanceof Class<?> c) {
      Class<?> element = c;
      while (element.isArray()) {
        element = element.getComponentType();
      }
      if (element.getPackageName().contains(".internal")) {
        leaks.add(owner.getName() + "." + where + " exposes " + element.getName());
      }
    } else if (type instanceof ParameterizedType p) {
      mention(owner, where, p.getRawType(), leaks);
      for (Type argument : p.getActualTypeArguments()) {
        mention(owner, where, argument, leaks);
      }
    } else if (type instanceof GenericArrayType a) {
      mention(owner, where, a.getGenericComponentType(), leaks);
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        mention(owner, where, bound, leaks);
      }
      for (Type bound : w.getLowerBounds()) {
        mention(owner, where, bound, leaks);
      }
    } else if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        if (bound != Object.class) {
          mention(owner, where, bound, leaks);
        }
      }
    }
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name, false, ApiSurface.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("compiled class not loadable: " + name, e);
    }
  }
}
