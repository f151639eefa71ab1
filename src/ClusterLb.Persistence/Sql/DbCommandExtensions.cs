using System.Data.Common;

namespace ClusterLb.Persistence.Sql;

/// <summary>Short forms for building ADO.NET commands, shared by every SQL store on the persistence layer.</summary>
public static class DbCommandExtensions
{
    /// <summary>Adds a named parameter (null becomes <see cref="DBNull"/>).</summary>
    public static DbParameter AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>A command for <paramref name="sql"/>, enlisted in <paramref name="transaction"/> when given.</summary>
    public static DbCommand CreateCommand(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
