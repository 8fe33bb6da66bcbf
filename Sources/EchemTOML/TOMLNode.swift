/// A value together with where it was written.
public struct TOMLNode: Sendable, Equatable {
    public var value: TOMLValue
    /// The value's first character: the opening quote of a string, the `[` of an array, the `{`
    /// of an inline table, the header of a `[table]` or of the first `[[element]]`.
    public var location: TOMLLocation

    public init(value: TOMLValue, location: TOMLLocation) {
        self.value = value
        self.location = location
    }
}
