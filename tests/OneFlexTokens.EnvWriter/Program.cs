using OneFlexTokens.EnvFiles;

// loop <path> <first>: saves the tokens of first, first+1, ... forever; prints "ready" after the first save.
// count <path> <writer> <saves>: saves ONEFLEX_TOKEN and WRITER_<writer>=<n> for n = 1..saves, then exits.
var writer = new EnvFileWriter(TimeSpan.FromSeconds(60));
switch (args[0])
{
    case "loop":
        for (var n = long.Parse(args[2]); ; n++)
        {
            writer.Save(args[1], WriterTokens.For(n));
            if (n == long.Parse(args[2]))
            {
                Console.Out.WriteLine("ready");
                Console.Out.Flush();
            }
        }

    case "count":
        var id = int.Parse(args[2]);
        var saves = int.Parse(args[3]);
        for (var n = 1; n <= saves; n++)
        {
            writer.Save(args[1], WriterTokens.For(id * 1_000_000L + n, ("WRITER_" + id, n.ToString())));
        }

        return 0;

    default:
        Console.Error.WriteLine("usage: loop <path> <first> | count <path> <writer> <saves>");
        return 2;
}
