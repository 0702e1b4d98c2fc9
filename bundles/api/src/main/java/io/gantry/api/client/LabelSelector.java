package io.gantry.api.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector in its string form: {@code app=web,tier!=db},
 * {@code env in (a,b)}, {@code env notin (c)}, {@code key}, {@code !key}. An empty selector
 * matches everything.
 */
public final class LabelSelector implements Predicate<Map<String, String>> {

    private static final Pattern SET_TERM =
            Pattern.compile("^\\s*([^\\s!=(),]+)\\s+(in|notin)\\s*\\(([^)]*)\\)\\s*$");
    private static final Pattern EQUALITY_TERM =
            Pattern.compile("^\\s*([^\\s!=(),]+)\\s*(==|=|!=)\\s*([^\\s!=(),]*)\\s*$");
    private static final Pattern EXISTS_TERM = Pattern.compile("^\\s*(!?)\\s*([^\\s!=(),]+)\\s*$");

    private final List<Predicate<Map<String, String>>> terms;

    private LabelSelector(List<Predicate<Map<String, String>>> terms) {
        this.terms = terms;
    }

    /**
     * Parses a selector.
     *
     * @throws ApiException 400 BadRequest naming the term that is not a selector
     */
    public static LabelSelector parse(String selector) {
        List<Predicate<Map<String, String>>> terms = new ArrayList<>();
        if (selector != null && !selector.isBlank()) {
            for (String term : splitTerms(selector)) {
                terms.add(term(term));
            }
        }
        return new LabelSelector(terms);
    }

    @Override
    public boolean test(Map<String, String> labels) {
        Map<String, String> present = labels == null ? Map.of() : labels;
        return terms.stream().allMatch(t -> t.test(present));
    }

    public boolean isEmpty() {
        return terms.isEmpty();
    }

    /** Splits on commas outside parentheses. */
    private static List<String> splitTerms(String selector) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(selector.substring(start));
        return parts;
    }

    private static Predicate<Map<String, String>> term(String term) {
        Matcher set = SET_TERM.matcher(term);
        if (set.matches()) {
            String key = set.group(1);
            Set<String> values = Set.of(set.group(3).trim().split("\\s*,\\s*"));
            boolean in = set.group(2).equals("in");
            return labels -> in ? values.contains(labels.get(key)) : !values.contains(labels.get(key));
        }
        Matcher equality = EQUALITY_TERM.matcher(term);
        if (equality.matches()) {
            String key = equality.group(1);
            String value = equality.group(3);
            boolean equal = !equality.group(2).equals("!=");
            return labels -> equal == value.equals(labels.get(key));
        }
        Matcher exists = EXISTS_TERM.matcher(term);
        if (exists.matches()) {
            String key = exists.group(2);
            boolean negated = !exists.group(1).isEmpty();
            return labels -> negated != labels.containsKey(key);
        }
        throw ApiException.badRequest("unable to parse requirement: found '" + term.trim()
                + "', expected: key, !key, key=value, key!=value, key in (values) or key notin (values)");
    }
}
