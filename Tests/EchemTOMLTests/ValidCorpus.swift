/// Valid documents covering every TOML 1.0 feature, shared by the value tests and the tomllib
/// oracle. Raw string literals, so backslashes are the TOML file's own.
enum ValidCorpus {
    static let documents: [(name: String, text: String)] = [
        ("empty", ""),
        ("only comments and blank lines", #"""
        # a comment

           # indented comment with tab	and unicode: µ Ω 😀
        """#),
        ("comments after values and headers", #"""
        a = 1 # one
        [t] # a table
        b = "#not a comment" # but this is
        c = [ # open
          1, # first
          # between
          2  # second
        ] # close
        """#),
        ("bare, quoted and dotted keys", #"""
        bare_key = 1
        bare-key = 2
        1234 = 3
        "quoted key" = 4
        'literal "key"' = 5
        "ʎǝʞ" = 6
        "" = 7
        3.14159 = "pi"
        site."google.com" = true
        name . first = "Tom"
        fruit.apple.color = "red"
        fruit.apple.taste.sweet = true
        "a\u0041\"b" = 8
        """#),
        ("basic string escapes", #"""
        b = "backspace\b"
        t = "tab\there"
        n = "line\nfeed"
        f = "form\ffeed"
        r = "carriage\rreturn"
        q = "quote\"d"
        bs = "back\\slash"
        u = "\u00E9\u0041\u0000"
        U = "\U0001F600\U000000E9"
        raw_unicode = "héllo wörld 😀"
        tab_raw = "a	b"
        """#),
        ("literal strings", #"""
        winpath = 'C:\Users\nodejs\templates'
        winpath2 = '\\ServerX\admin$\system32\'
        quoted = 'Tom "Dubs" Preston-Werner'
        regex = '<\i\c*\s*>'
        empty = ''
        """#),
        ("multi-line basic strings", #"""
        a = """
        Roses are red
        Violets are blue"""
        b = """The quick brown \


          fox jumps over \
            the lazy dog."""
        c = """\
               The quick brown \
               fox jumps over \
               the lazy dog.\
               """
        d = """Here are two quotation marks: "". Simple enough."""
        e = """Here are three quotation marks: ""\"."""
        f = """Here are fifteen quotation marks: ""\"""\"""\"""\"""\"."""
        g = """"This," she said, "is just a pointless statement.""""
        i = """escapes \t \u00E9 \\ \" inside"""
        j = """"""
        k = """
        """
        """#),
        // Built with escapes so editors cannot strip the spaces after the backslash.
        ("line-ending backslash followed by spaces", "h = \"\"\"trailing backslash with spaces \\   \t\n   \n  next\"\"\"\n"),
        ("multi-line literal strings", #"""
        regex2 = '''I [dw]on't need \d{2} apples'''
        lines = '''
        The first newline is
        trimmed in raw strings.
           All other whitespace
           is preserved.
        '''
        quot15 = '''Here are fifteen quotation marks: """""""""""""""'''
        apos15 = "Here are fifteen apostrophes: '''''''''''''''"
        str = ''''That,' she said, 'is still pointless.''''
        backslash = '''\n is not an escape here'''
        """#),
        ("integers", #"""
        int1 = +99
        int2 = 42
        int3 = 0
        int4 = -17
        int5 = 1_000
        int6 = 5_349_221
        int7 = 53_49_221
        int8 = 1_2_3_4_5
        plus_zero = +0
        minus_zero = -0
        max = 9223372036854775807
        min = -9223372036854775808
        """#),
        ("hex, octal and binary integers", #"""
        hex1 = 0xDEADBEEF
        hex2 = 0xdeadbeef
        hex3 = 0xdead_beef
        hex_max = 0x7FFFFFFFFFFFFFFF
        oct1 = 0o01234567
        oct2 = 0o755
        bin1 = 0b11010110
        bin2 = 0b1_0_1
        zero_hex = 0x0
        leading_zeros_ok = 0x000001
        """#),
        ("floats", #"""
        flt1 = +1.0
        flt2 = 3.1415
        flt3 = -0.01
        flt4 = 5e+22
        flt5 = 1e06
        flt6 = -2E-2
        flt7 = 6.626e-34
        flt8 = 224_617.445_991_228
        zero = 0.0
        neg_zero = -0.0
        pos_zero = +0.0
        exp_zero = 0e0
        small = 5e-324
        big = 1.7976931348623157e308
        tenth = 0.1
        long = 3.141592653589793238462643383279
        huge = 1e400
        """#),
        ("special floats", #"""
        sf1 = inf
        sf2 = +inf
        sf3 = -inf
        sf4 = nan
        sf5 = +nan
        sf6 = -nan
        arr = [inf, -inf, nan]
        """#),
        ("booleans", #"""
        yes = true
        no = false
        both = [true, false]
        """#),
        ("offset date-times", #"""
        odt1 = 1979-05-27T07:32:00Z
        odt2 = 1979-05-27T00:32:00-07:00
        odt3 = 1979-05-27T00:32:00.999999-07:00
        odt4 = 1979-05-27 07:32:00Z
        odt5 = 1979-05-27t07:32:00z
        odt6 = 2000-02-29T23:59:59.5+05:30
        odt7 = 1979-05-27T07:32:00.123456789Z
        odt8 = 1979-05-27T07:32:00-00:00
        """#),
        ("local date-times, dates and times", #"""
        ldt1 = 1979-05-27T07:32:00
        ldt2 = 1979-05-27T00:32:00.999999
        ldt3 = 1979-05-27 07:32:00
        ldt4 = 1979-05-27T00:32:00.1234567
        ld1 = 1979-05-27
        ld2 = 2024-02-29
        lt1 = 07:32:00
        lt2 = 00:32:00.999999
        lt3 = 23:59:59.1
        dates = [1979-05-27, 07:32:00, 1979-05-27T07:32:00, 1979-05-27T07:32:00Z]
        """#),
        ("date followed by comment", #"""
        d = 1979-05-27 # a date then a comment
        e = 1979-05-27
        """#),
        ("arrays", #"""
        integers = [ 1, 2, 3 ]
        colors = [ "red", "yellow", "green" ]
        nested_arrays_of_ints = [ [ 1, 2 ], [3, 4, 5] ]
        nested_mixed_array = [ [ 1, 2 ], ["a", "b", "c"] ]
        string_array = [ "all", 'strings', """are the same""", '''type''' ]
        numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]
        contributors = [
          "Foo Bar <foo@example.com>",
          { name = "Baz Qux", email = "bazqux@example.com", url = "https://example.com/bazqux" }
        ]
        integers2 = [
          1, 2, 3
        ]
        integers3 = [
          1,
          2, # this is ok
        ]
        empty = []
        empty2 = [

        ]
        deep = [[[[[[[[1]]]]]]]]
        """#),
        ("inline tables", #"""
        name = { first = "Tom", last = "Preston-Werner" }
        point = { x = 1, y = 2 }
        animal = { type.name = "pug" }
        empty = {}
        spaced = {   }
        nested = { a = { b = { c = 1 } }, d = [1, 2] }
        dotted = { a.b = 1, a.c = 2, "q.k" = 3 }
        with_array = { list = [
          1,
          2,
        ] }
        """#),
        ("tables and sub-tables", #"""
        [table-1]
        key1 = "some string"
        key2 = 123

        [table-2]
        key1 = "another string"
        key2 = 456

        [dog."tater.man"]
        type.name = "pug"

        [a.b.c]
        [ d.e.f ]
        [ g .  h  . i ]
        [ j . "ʞ" . 'l' ]
        [""]
        x = 1
        """#),
        ("super-table defined after its sub-table", #"""
        [x.y.z.w]
        a = 1
        [x]
        b = 2
        [x.y]
        c = 3
        """#),
        ("headers under dotted-key tables", #"""
        [fruit]
        apple.color = "red"
        apple.taste.sweet = true

        [fruit.apple.texture]
        smooth = true
        """#),
        ("root dotted keys then headers", #"""
        a.b.c = 1
        a.d = 2
        [a.e]
        f = 3
        [a.b.g]
        h = 4
        """#),
        ("arrays of tables", #"""
        [[products]]
        name = "Hammer"
        sku = 738594937

        [[products]]  # empty table within the array

        [[products]]
        name = "Nail"
        sku = 284758393
        color = "gray"
        """#),
        ("nested arrays of tables", #"""
        [[fruits]]
        name = "apple"

        [fruits.physical]  # subtable
        color = "red"
        shape = "round"

        [[fruits.varieties]]  # nested array of tables
        name = "red delicious"

        [[fruits.varieties]]
        name = "granny smith"

        [[fruits]]
        name = "banana"

        [[fruits.varieties]]
        name = "plantain"
        """#),
        ("sub-tables redefined per array element", #"""
        [[a]]
        [a.b]
        x = 1
        [[a]]
        [a.b]
        x = 2
        [[a]]
        b.x = 3
        """#),
        ("array of inline tables", #"""
        points = [ { x = 1, y = 2, z = 3 },
                   { x = 7, y = 8, z = 9 },
                   { x = 2, y = 4, z = 8 } ]
        channels = [{id = "ch0", limits = {v = [2.5, 4.2]}}, {id = "ch1"}]
        """#),
        ("CRLF line endings", "a = 1\r\n[t]\r\nb = \"\"\"\r\nline1\r\nline2\"\"\"\r\nc = '''\r\nx\r\ny'''\r\n# comment\r\nd = [\r\n  1,\r\n  2\r\n]\r\n"),
        ("tabs as whitespace", "\ta\t=\t1\n[\tt\t]\n\tb = [\t1 ,\t2\t]\n\tc = {\tx = 1\t}\n"),
        ("unicode everywhere", #"""
        # Ünïcödé comment ✓
        "ключ" = "значение"
        "日本" = '日本語'
        emoji = "😀🎉"
        ["таблица"]
        "a b" = "c d"
        """#),
        ("the TOML README example", #"""
        # This is a TOML document

        title = "TOML Example"

        [owner]
        name = "Tom Preston-Werner"
        dob = 1979-05-27T07:32:00-08:00

        [database]
        enabled = true
        ports = [ 8000, 8001, 8002 ]
        data = [ ["delta", "phi"], [3.14] ]
        temp_targets = { cpu = 79.5, case = 72.0 }

        [servers]

        [servers.alpha]
        ip = "10.0.0.1"
        role = "frontend"

        [servers.beta]
        ip = "10.0.0.2"
        role = "backend"
        """#),
        ("an echemd configuration", #"""
        # echemd.toml
        [daemon]
        socket = "/run/echemd/echemd.sock"
        database = "/var/lib/echemd/store.sqlite"
        log_level = "info"
        checkpoint_every = 30.0

        [[channels]]
        id = "cycler-0"
        driver = "sim-cycler"
        max_volts = 4.2
        max_amps = 5
        cell = { chemistry = "NMC", capacity = "2.5 Ah" }

        [[channels]]
        id = "pstat-1"
        driver = "modbus"
        limits.voltage = ["0 V", "5 V"]
        limits.current = "100 mA"
        [channels.transport]
        device = "/dev/ttyUSB0"
        baud = 115_200
        parity = 'N'
        """#),
        ("a device profile", #"""
        [profile]
        vendor = "ACME"
        model = "CY-8"
        revision = 0x0102

        [[registers]]
        name = "voltage"
        address = 0x0010
        scale = 1e-3
        unit = "V"

        [[registers]]
        name = "current"
        address = 0x0012
        scale = -1e-4
        unit = "A"
        flags = { signed = true, words = 2, order = "big" }
        """#),
        ("whitespace around equals and dots", #"""
        a=1
        b   =   2
        c . d=3
        e	.	f	=	4
        [ g ]
        h ="x"
        """#),
        ("keys that look like other things", #"""
        true = 1
        false = 2
        inf = 3
        nan = 4
        1979-05-27 = 5
        0x10 = 6
        - = 7
        _ = 8
        """#),
        ("a long array", "long = [" + (0..<2000).map(String.init).joined(separator: ", ") + "]\n"),
        ("mixed-type arrays", #"""
        mixed = [1, 2.0, "three", true, 1979-05-27, [4], {five = 5}]
        """#),
        ("no newline at end of file", "a = 1\nb = [1, 2]"),
        ("strings containing comment and bracket characters", #"""
        s1 = "# not a comment"
        s2 = "[not.a.table]"
        s3 = 'key = "value"'
        s4 = """
        [also]
        # not a comment
        """
        """#),
    ]
}
