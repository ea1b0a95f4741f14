"""Plain logic of Conversion Watch: no Lambda or Step Functions types in here."""
